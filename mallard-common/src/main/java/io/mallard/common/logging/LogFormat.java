package io.mallard.common.logging;

import java.util.Locale;

/** How log lines look: dated text for people, or one JSON object per line for log collectors. */
public enum LogFormat {
    TEXT, JSON;

    /** {@code text} or {@code json}, in any case. */
    public static LogFormat parse(String name) {
        try {
            return valueOf(name.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown log format '" + name + "': text or json");
        }
    }
}
