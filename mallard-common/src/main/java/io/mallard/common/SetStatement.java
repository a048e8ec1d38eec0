package io.mallard.common;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A {@code SET mallard.name = value} statement: {@code SET [SESSION] name (= | TO) value}, case-insensitive, the value
 * optionally quoted. Read by the coordinator, which applies it to the caller's session, and by the Mallard client, which
 * keeps its session's settings itself.
 *
 * @param name  the setting, lower-cased ({@code mallard.distributed})
 * @param value the value as written
 */
public record SetStatement(String name, String value) {
    private static final Pattern SET = Pattern.compile(
            "^\\s*SET\\s+(?:SESSION\\s+)?(mallard\\.[a-z_]+)\\s*(?:=|\\s+TO\\s+)\\s*'?([A-Za-z0-9_]+)'?\\s*;?\\s*$",
            Pattern.CASE_INSENSITIVE);

    /** The statement if {@code sql} is a {@code SET mallard.…}; empty for any other statement. */
    public static Optional<SetStatement> parse(String sql) {
        Matcher m = SET.matcher(sql);
        return m.matches() ? Optional.of(new SetStatement(m.group(1).toLowerCase(Locale.ROOT), m.group(2))) : Optional.empty();
    }
}
