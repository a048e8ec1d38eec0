package io.mallard.coordinator.security;

import io.mallard.common.ErrorCode;
import io.mallard.common.MallardException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Failed logins counted per user name and per source address in a sliding window; past the policy's count the name or
 * the address is locked out for a while, before any password is checked (an Argon2id check costs the coordinator
 * tens of milliseconds of CPU, which a flood would otherwise buy). The user limit is low and the address limit high, so
 * a flood against one name does not lock out the other users of a shared address.
 */
public final class LoginThrottle {
    private final ClientLimits.LoginPolicy policy;
    private final LongSupplier clock;
    private final Map<String, Counter> users = new ConcurrentHashMap<>();
    private final Map<String, Counter> addresses = new ConcurrentHashMap<>();

    public LoginThrottle(ClientLimits.LoginPolicy policy, LongSupplier clockMillis) {
        this.policy = policy;
        this.clock = clockMillis;
    }

    /** Failures in the window, and until when the key is locked out. */
    private static final class Counter {
        final Deque<Long> failures = new ArrayDeque<>();
        long lockedUntil;
    }

    /** Refuses with {@code LIMIT_EXCEEDED} while the user name or the address is locked out. */
    public void check(String user, String address) {
        long now = clock.getAsLong();
        refuseIfLocked(users.get(key(user)), now, "user " + user, policy.perUser());
        refuseIfLocked(addresses.get(host(address)), now, "address " + host(address), policy.perAddress());
    }

    /** Counts a failed login; the failure that reaches a limit starts the lockout. */
    public void failed(String user, String address) {
        long now = clock.getAsLong();
        count(users, key(user), now, policy.perUser());
        count(addresses, host(address), now, policy.perAddress());
    }

    /** A successful login clears the user's failures (the address's stay: a flood may come with one good password). */
    public void succeeded(String user) {
        users.remove(key(user));
    }

    private void count(Map<String, Counter> counters, String key, long now, int limit) {
        if (limit <= 0) {
            return;
        }
        if (counters.size() > 100_000) {
            counters.values().removeIf(c -> isIdle(c, now)); // a flood of names must not fill the heap
        }
        Counter counter = counters.computeIfAbsent(key, k -> new Counter());
        synchronized (counter) {
            counter.failures.addLast(now);
            while (!counter.failures.isEmpty() && counter.failures.peekFirst() <= now - policy.windowMillis()) {
                counter.failures.removeFirst();
            }
            if (counter.failures.size() >= limit) {
                counter.lockedUntil = now + policy.lockoutMillis();
                counter.failures.clear();
            }
        }
    }

    private boolean isIdle(Counter counter, long now) {
        synchronized (counter) {
            return counter.lockedUntil <= now && (counter.failures.isEmpty()
                    || counter.failures.peekLast() <= now - policy.windowMillis());
        }
    }

    private void refuseIfLocked(Counter counter, long now, String who, int limit) {
        if (counter == null) {
            return;
        }
        long until;
        synchronized (counter) {
            until = counter.lockedUntil;
        }
        if (until > now) {
            throw new MallardException(ErrorCode.LIMIT_EXCEEDED, "too many failed logins for " + who + " (" + limit
                    + " within " + seconds(policy.windowMillis()) + "): locked out for another "
                    + seconds(until - now) + " (the coordinator's --login-lockout)");
        }
    }

    private static String key(String user) {
        return user == null ? "" : user.toLowerCase(Locale.ROOT);
    }

    /** The address without its port: a client gets a new port per connection. */
    private static String host(String address) {
        int colon = address == null ? -1 : address.lastIndexOf(':');
        return colon < 0 ? String.valueOf(address) : address.substring(0, colon);
    }

    private static String seconds(long millis) {
        return Math.max(1, (millis + 999) / 1000) + " s";
    }
}
