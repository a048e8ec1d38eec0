package io.mallard.common.security;

import java.util.Objects;
import java.util.Set;

/**
 * A user in the credentials file: a name, a role ({@value #ADMIN}, {@value #USER} or
 * {@value #READONLY}) and an Argon2id password hash in PHC format (see {@link PasswordHasher}).
 */
public record UserRecord(String name, String role, String passwordHash) {
    /** May do everything, including managing users and workers. */
    public static final String ADMIN = "admin";
    /** May run queries and create data. */
    public static final String USER = "user";
    /** May only run queries that read. */
    public static final String READONLY = "readonly";

    private static final Set<String> ROLES = Set.of(ADMIN, USER, READONLY);

    /** Validates the fields: a non-blank name, a known role and a non-empty hash. */
    public UserRecord {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(passwordHash, "passwordHash");
        if (name.isBlank()) {
            throw new IllegalArgumentException("user name must not be blank");
        }
        if (!ROLES.contains(role)) {
            throw new IllegalArgumentException("unknown role '" + role + "', expected one of " + ROLES);
        }
        if (passwordHash.isEmpty()) {
            throw new IllegalArgumentException("password hash of user '" + name + "' is empty");
        }
    }

    /** Name and role only: the hash stays out of logs. */
    @Override
    public String toString() {
        return "UserRecord[name=" + name + ", role=" + role + "]";
    }
}
