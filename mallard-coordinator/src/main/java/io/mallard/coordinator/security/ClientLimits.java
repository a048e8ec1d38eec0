package io.mallard.coordinator.security;

import io.mallard.common.ErrorCode;
import io.mallard.common.MallardException;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What bounds one client so that it cannot hurt the others: per-role concurrent queries and query timeout, sessions,
 * the size of a statement's text, and failed logins. Hitting one is a {@code LIMIT_EXCEEDED} error naming it.
 *
 * @param maxSqlBytes       the largest statement text taken, in UTF-8 bytes
 * @param maxSessions       client sessions open at once (one per login); idle ones make room first
 * @param sessionIdleMillis how long a session may go unused before it ends (its next call logs in again)
 * @param roles             per-role limits; a role not named has none beyond the cluster's
 * @param logins            failed logins allowed per user and per address before a lockout
 */
public record ClientLimits(long maxSqlBytes, int maxSessions, long sessionIdleMillis, Map<Role, RoleLimit> roles,
        LoginPolicy logins) {
    public static final ClientLimits DEFAULTS = new ClientLimits(1 << 20, 1_000, 3_600_000L, Map.of(),
            LoginPolicy.DEFAULTS);

    public ClientLimits {
        if (maxSqlBytes < 1 || maxSessions < 1 || sessionIdleMillis < 1) {
            throw new IllegalArgumentException("SQL size, sessions and idle timeout must be positive");
        }
        roles = Map.copyOf(roles);
    }

    /**
     * One role's limits.
     *
     * @param queries       statements of users of this role running at once; 0 for no limit of the role's own
     * @param timeoutMillis the longest a statement of the role may run, also when its session asks for more; 0 for none
     */
    public record RoleLimit(int queries, long timeoutMillis) {
    }

    /**
     * Failed logins: {@code perUser} failures of one user name, or {@code perAddress} from one address, within
     * {@code windowMillis} lock that name or address out for {@code lockoutMillis}; a successful login clears the
     * name's count.
     */
    public record LoginPolicy(int perUser, int perAddress, long windowMillis, long lockoutMillis) {
        public static final LoginPolicy DEFAULTS = new LoginPolicy(5, 50, 60_000, 60_000);

        /** Reads {@code --login-lockout}: {@code PER_USER,PER_ADDRESS,WINDOW,LOCKOUT}, e.g. {@code 5,50,60s,60s}. */
        public static LoginPolicy parse(String spec) {
            String[] parts = spec.strip().split(",");
            try {
                if (parts.length == 4) {
                    return new LoginPolicy(Integer.parseInt(parts[0].strip()), Integer.parseInt(parts[1].strip()),
                            parseDuration(spec, parts[2].strip()), parseDuration(spec, parts[3].strip()));
                }
            } catch (NumberFormatException | MallardException e) {
                // reported below
            }
            throw new MallardException(ErrorCode.INVALID_ARGUMENT, "--login-lockout takes PER_USER,PER_ADDRESS,WINDOW,"
                    + "LOCKOUT (e.g. 5,50,60s,60s), not " + spec);
        }
    }

    public ClientLimits withRoles(Map<Role, RoleLimit> newRoles) {
        return new ClientLimits(maxSqlBytes, maxSessions, sessionIdleMillis, newRoles, logins);
    }

    public ClientLimits withLogins(LoginPolicy newLogins) {
        return new ClientLimits(maxSqlBytes, maxSessions, sessionIdleMillis, roles, newLogins);
    }

    public ClientLimits withSessions(int newMaxSessions, long newIdleMillis) {
        return new ClientLimits(maxSqlBytes, newMaxSessions, newIdleMillis, roles, logins);
    }

    public ClientLimits withMaxSqlBytes(long newMaxSqlBytes) {
        return new ClientLimits(newMaxSqlBytes, maxSessions, sessionIdleMillis, roles, logins);
    }

    private static final Pattern ROLE_SPEC = Pattern.compile("([a-z]+):(.+)");
    private static final Pattern DURATION = Pattern.compile("(\\d{1,12})(ms|s|m|h)?");

    /**
     * Reads {@code --role-limits} values, one per role: {@code reader:queries=2,timeout=30s}. A duration takes
     * {@code ms}, {@code s}, {@code m} or {@code h} (a bare number is milliseconds).
     */
    public static Map<Role, RoleLimit> parseRoles(List<String> specs) {
        Map<Role, RoleLimit> roles = new EnumMap<>(Role.class);
        for (String spec : specs) {
            Matcher m = ROLE_SPEC.matcher(spec.strip().toLowerCase(Locale.ROOT));
            if (!m.matches()) {
                throw invalid(spec);
            }
            Role role = Role.of(m.group(1));
            int queries = 0;
            long timeout = 0;
            for (String pair : m.group(2).split(",")) {
                String[] kv = pair.strip().split("=", 2);
                if (kv.length != 2) {
                    throw invalid(spec);
                }
                switch (kv[0].strip()) {
                    case "queries" -> queries = parseCount(spec, kv[1].strip());
                    case "timeout" -> timeout = parseDuration(spec, kv[1].strip());
                    default -> throw invalid(spec);
                }
            }
            roles.put(role, new RoleLimit(queries, timeout));
        }
        return roles;
    }

    private static int parseCount(String spec, String value) {
        try {
            int n = Integer.parseInt(value);
            if (n >= 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw invalid(spec);
    }

    static long parseDuration(String spec, String value) {
        Matcher m = DURATION.matcher(value);
        if (!m.matches()) {
            throw invalid(spec);
        }
        long amount = Long.parseLong(m.group(1));
        return switch (m.group(2) == null ? "ms" : m.group(2)) {
            case "s" -> amount * 1_000;
            case "m" -> amount * 60_000;
            case "h" -> amount * 3_600_000;
            default -> amount;
        };
    }

    private static MallardException invalid(String spec) {
        return new MallardException(ErrorCode.INVALID_ARGUMENT, "--role-limits takes ROLE:queries=N,timeout=DURATION "
                + "(e.g. reader:queries=2,timeout=30s), not " + spec);
    }
}
