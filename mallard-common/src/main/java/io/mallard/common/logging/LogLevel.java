package io.mallard.common.logging;

import java.util.Locale;

/** The least severe level a logger writes; OFF writes nothing. */
public enum LogLevel {
    TRACE, DEBUG, INFO, WARN, ERROR, OFF;

    /** {@code trace}, {@code debug}, {@code info}, {@code warn}, {@code error} or {@code off}, in any case. */
    public static LogLevel parse(String name) {
        try {
            return valueOf(name.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown log level '" + name + "': trace, debug, info, warn, error or off");
        }
    }

    boolean admits(LogLevel event) {
        return this != OFF && event.ordinal() >= ordinal();
    }
}
