package io.mallard.coordinator.imports;

import java.util.regex.Pattern;

/**
 * A file name pattern as DuckDB reads one: {@code *} matches within one path segment, {@code **} across segments
 * (also none), {@code ?} one character of a segment, {@code [abc]} / {@code [!abc]} one character of a class. Used
 * alike for object keys and for paths relative to the import directory, so a pattern means the same in both.
 */
final class Glob {
    private final String pattern;
    private final Pattern regex;

    private Glob(String pattern) {
        this.pattern = pattern;
        this.regex = Pattern.compile(toRegex(pattern));
    }

    static Glob of(String pattern) {
        return new Glob(pattern);
    }

    /** Whether {@code text} has a character that makes it a pattern rather than one name. */
    static boolean hasWildcards(String text) {
        return text.indexOf('*') >= 0 || text.indexOf('?') >= 0 || text.indexOf('[') >= 0;
    }

    /** The part before the first wildcard: every match starts with it. */
    String literalPrefix() {
        for (int i = 0; i < pattern.length(); i++) {
            char c = pattern.charAt(i);
            if (c == '*' || c == '?' || c == '[') {
                return pattern.substring(0, i);
            }
        }
        return pattern;
    }

    boolean matches(String name) {
        return regex.matcher(name).matches();
    }

    private static String toRegex(String glob) {
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < glob.length()) {
            char c = glob.charAt(i);
            if (c == '*') {
                if (i + 1 < glob.length() && glob.charAt(i + 1) == '*') {
                    boolean segment = i + 2 < glob.length() && glob.charAt(i + 2) == '/';
                    out.append(segment ? "(?:.*/)?" : ".*"); // "a/**/b" matches "a/b" too
                    i += segment ? 3 : 2;
                    continue;
                }
                out.append("[^/]*");
            } else if (c == '?') {
                out.append("[^/]");
            } else if (c == '[') {
                int close = glob.indexOf(']', i + 2);
                if (close < 0) {
                    out.append(Pattern.quote("["));
                } else {
                    String body = glob.substring(i + 1, close);
                    boolean negated = body.startsWith("!") || body.startsWith("^");
                    if (negated) {
                        body = body.substring(1);
                    }
                    String escaped = body.replace("\\", "\\\\").replace("[", "\\[").replace("&", "\\&");
                    out.append('[').append(negated ? "^/" : "").append(escaped).append(']');
                    i = close + 1;
                    continue;
                }
            } else {
                out.append(Pattern.quote(String.valueOf(c)));
            }
            i++;
        }
        return out.toString();
    }

    @Override
    public String toString() {
        return pattern;
    }
}
