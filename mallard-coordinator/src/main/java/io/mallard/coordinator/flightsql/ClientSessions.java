package io.mallard.coordinator.flightsql;

import io.mallard.common.ErrorCode;
import io.mallard.common.MallardException;
import io.mallard.coordinator.server.Identity;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The coordinator's client sessions by id; idle ones are forgotten after the bearer token's lifetime. */
final class ClientSessions {
    private final Map<String, ClientSession> sessions = new ConcurrentHashMap<>();
    private final long idleMillis;

    ClientSessions(long idleMillis) {
        this.idleMillis = idleMillis;
    }

    /** The caller's session, created on first use. */
    ClientSession of(Identity caller) {
        caller.requireUser();
        if (caller.session().isEmpty()) {
            throw new MallardException(ErrorCode.AUTHENTICATION_FAILED, "this call carries no session token");
        }
        long now = System.currentTimeMillis();
        if (sessions.size() > 64) {
            sessions.values().removeIf(s -> now - s.lastUsedMillis() > idleMillis);
        }
        ClientSession session = sessions.computeIfAbsent(caller.session(), ClientSession::new);
        session.touch();
        return session;
    }

    /** Ends a session: its settings and prepared statements are dropped. */
    void close(Identity caller) {
        sessions.remove(caller.session());
    }
}
