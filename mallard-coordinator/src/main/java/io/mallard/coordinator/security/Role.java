package io.mallard.coordinator.security;

import io.mallard.common.ErrorCode;
import io.mallard.common.MallardException;
import java.util.Locale;

/**
 * What a user may do, each role including the one below it: {@code admin} everything, {@code writer} read every table and
 * create, load, change and drop tables, {@code reader} read every table. {@code none} (a user just created) reads only
 * the tables granted to it one by one ({@code GRANT SELECT ON t TO u}).
 */
public enum Role {
    NONE, READER, WRITER, ADMIN;

    /** The role's SQL name: {@code admin}, {@code writer}, {@code reader}, {@code none}. */
    public String sqlName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Reads every table (without per-table grants). */
    public boolean readsAll() {
        return this != NONE;
    }

    /** Creates, loads, changes and drops tables. */
    public boolean writes() {
        return this == WRITER || this == ADMIN;
    }

    /**
     * The role of a name: the roles above, or the roles of credentials files written before roles were renamed
     * ({@code user} is a writer, {@code readonly} a reader). Anything else is INVALID_ARGUMENT.
     */
    public static Role of(String name) {
        String lower = name == null ? "" : name.toLowerCase(Locale.ROOT);
        return switch (lower) {
            case "admin" -> ADMIN;
            case "writer", "user" -> WRITER;
            case "reader", "readonly" -> READER;
            case "none" -> NONE;
            default -> throw new MallardException(ErrorCode.INVALID_ARGUMENT, "unknown role '" + name
                    + "'; the roles are admin, writer and reader");
        };
    }
}
