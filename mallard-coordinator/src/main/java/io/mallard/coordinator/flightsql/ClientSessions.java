package io.mallard.coordinator.flightsql;

import io.mallard.common.ErrorCode;
import io.mallard.common.MallardException;
import io.mallard.coordinator.server.Identity;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The coordinator's client sessions by id (one per login), at most {@code maxSessions} at once. A session unused for
 * {@code idleMillis} ends: its settings and prepared statements are dropped and its next call is refused as
 * unauthenticated, so the client logs in again (the clients do so by themselves and re-apply their settings).
 */
final class ClientSessions {
    private final Map<String, ClientSession> sessions = new ConcurrentHashMap<>();
    /** Sessions ended for idleness, by id, with when; forgotten once no token of theirs can still be valid. */
    private final Map<String, Long> ended = new ConcurrentHashMap<>();
    private final int maxSessions;
    private final long idleMillis;
    private final long tokenTtlMillis;
    private final java.util.function.LongSupplier clock;

    ClientSessions(int maxSessions, long idleMillis, long tokenTtlMillis) {
        this(maxSessions, idleMillis, tokenTtlMillis, System::currentTimeMillis);
    }

    ClientSessions(int maxSessions, long idleMillis, long tokenTtlMillis, java.util.function.LongSupplier clock) {
        this.clock = clock;
        this.maxSessions = maxSessions;
        this.idleMillis = idleMillis;
        this.tokenTtlMillis = tokenTtlMillis;
    }

    /** The caller's session, created on first use; refused when it ended or when no more may open. */
    ClientSession of(Identity caller) {
        caller.requireUser();
        String id = caller.session();
        if (id.isEmpty()) {
            throw new MallardException(ErrorCode.AUTHENTICATION_FAILED, "this call carries no session token");
        }
        long now = clock.getAsLong();
        if (ended.containsKey(id)) {
            throw idle();
        }
        ClientSession existing = sessions.get(id);
        if (existing != null && now - existing.lastUsedMillis() > idleMillis) {
            end(id, now);
            throw idle();
        }
        if (existing == null) {
            if (sessions.size() > 64 || sessions.size() >= maxSessions) {
                sweep(now);
            }
            if (sessions.size() >= maxSessions) {
                throw new MallardException(ErrorCode.LIMIT_EXCEEDED, "the coordinator has " + sessions.size()
                        + " client sessions open, its limit (--max-sessions " + maxSessions + "); a session ends when "
                        + "its client closes it or after " + seconds(idleMillis) + " unused (--session-idle-timeout)");
            }
        }
        ClientSession session = sessions.computeIfAbsent(id, ClientSession::new);
        session.touch(now);
        return session;
    }

    private MallardException idle() {
        return new MallardException(ErrorCode.AUTHENTICATION_FAILED, "the session ended after " + seconds(idleMillis)
                + " unused (the coordinator's --session-idle-timeout): log in again");
    }

    private void sweep(long now) {
        sessions.forEach((id, s) -> {
            if (now - s.lastUsedMillis() > idleMillis) {
                end(id, now);
            }
        });
        ended.values().removeIf(when -> now - when > tokenTtlMillis);
    }

    private void end(String id, long now) {
        if (sessions.remove(id) != null) {
            ended.put(id, now);
        }
    }

    /** Sessions open now. */
    int open() {
        return sessions.size();
    }

    /** Ends a session: its settings and prepared statements are dropped. */
    void close(Identity caller) {
        sessions.remove(caller.session());
    }

    private static String seconds(long millis) {
        return millis % 1000 == 0 ? millis / 1000 + " s" : millis + " ms";
    }
}
