package io.mallard.coordinator.security;

import io.mallard.common.ErrorCode;
import io.mallard.common.MallardException;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The statements of each role running at once, against the role's {@code queries} limit. Past it a statement is
 * refused at once, never queued: a queued statement would hold a place in the cluster's admission queue ahead of
 * other roles' statements, so one role's burst would slow everyone.
 */
public final class RoleSlots {
    private final Map<Role, ClientLimits.RoleLimit> limits;
    private final Map<Role, AtomicInteger> running = new EnumMap<>(Role.class);

    public RoleSlots(Map<Role, ClientLimits.RoleLimit> limits) {
        this.limits = Map.copyOf(limits);
        for (Role role : Role.values()) {
            running.put(role, new AtomicInteger());
        }
    }

    /** A held place; closing it frees it. */
    public interface Slot extends AutoCloseable {
        @Override
        void close();
    }

    /** Takes a place for a statement of {@code user} of {@code roleName}, or refuses with {@code LIMIT_EXCEEDED}. */
    public Slot enter(String user, String roleName) {
        Role role = Role.of(roleName);
        ClientLimits.RoleLimit limit = limits.get(role);
        if (limit == null || limit.queries() <= 0) {
            return () -> { };
        }
        AtomicInteger count = running.get(role);
        int now = count.incrementAndGet();
        if (now > limit.queries()) {
            count.decrementAndGet();
            throw new MallardException(ErrorCode.LIMIT_EXCEEDED, "the " + role.sqlName() + " role may run "
                    + limit.queries() + " statement" + (limit.queries() == 1 ? "" : "s") + " at once and that many run "
                    + "now; " + user + "'s statement was refused (the coordinator's --role-limits " + role.sqlName()
                    + ":queries=" + limit.queries() + "); try again when one has finished");
        }
        java.util.concurrent.atomic.AtomicBoolean released = new java.util.concurrent.atomic.AtomicBoolean();
        return () -> {
            if (released.compareAndSet(false, true)) {
                count.decrementAndGet();
            }
        };
    }

    /** The role's timeout in milliseconds, 0 when it has none. */
    public long timeoutMillis(String roleName) {
        ClientLimits.RoleLimit limit = limits.get(Role.of(roleName));
        return limit == null ? 0 : limit.timeoutMillis();
    }
}
