package io.mallard.cli;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits SQL text into statements at semicolons that are outside quotes and comments, so a {@code ;} inside
 * {@code 'a;b'}, {@code "x;y"}, {@code -- …} or {@code /* … *\/} does not end a statement.
 */
final class StatementSplitter {
    private final StringBuilder pending = new StringBuilder();

    /** Adds text; returns the statements it completed, without their semicolons, stripped, empty ones dropped. */
    List<String> add(String text) {
        pending.append(text);
        List<String> statements = new ArrayList<>();
        int start = 0;
        int end;
        while ((end = terminator(pending, start)) >= 0) {
            String statement = pending.substring(start, end).strip();
            if (!statement.isEmpty()) {
                statements.add(statement);
            }
            start = end + 1;
        }
        pending.delete(0, start);
        return statements;
    }

    /** What is left after the last complete statement, stripped. */
    String remainder() {
        return pending.toString().strip();
    }

    void clear() {
        pending.setLength(0);
    }

    /** Whether {@code text} ends in the middle of a statement (something other than blanks after its last {@code ;}). */
    static boolean incomplete(String text) {
        StatementSplitter splitter = new StatementSplitter();
        splitter.add(text);
        return !splitter.remainder().isEmpty() && !onlyComments(splitter.remainder());
    }

    private static boolean onlyComments(String text) {
        return text.lines().allMatch(line -> line.isBlank() || line.strip().startsWith("--"));
    }

    /** The index of the first top-level ';' at or after {@code from}, or -1. */
    private static int terminator(CharSequence sql, int from) {
        int i = from;
        while (i < sql.length()) {
            char c = sql.charAt(i);
            if (c == '\'' || c == '"') {
                int close = i + 1;
                while (close < sql.length()) {
                    if (sql.charAt(close) == c) {
                        if (close + 1 < sql.length() && sql.charAt(close + 1) == c) {
                            close += 2; // doubled quote inside the literal
                            continue;
                        }
                        break;
                    }
                    close++;
                }
                if (close >= sql.length()) {
                    return -1; // the literal continues on a later line
                }
                i = close + 1;
            } else if (c == '-' && i + 1 < sql.length() && sql.charAt(i + 1) == '-') {
                int newline = indexOf(sql, '\n', i);
                if (newline < 0) {
                    return -1;
                }
                i = newline + 1;
            } else if (c == '/' && i + 1 < sql.length() && sql.charAt(i + 1) == '*') {
                int close = sql.toString().indexOf("*/", i + 2);
                if (close < 0) {
                    return -1;
                }
                i = close + 2;
            } else if (c == ';') {
                return i;
            } else {
                i++;
            }
        }
        return -1;
    }

    private static int indexOf(CharSequence text, char c, int from) {
        for (int i = from; i < text.length(); i++) {
            if (text.charAt(i) == c) {
                return i;
            }
        }
        return -1;
    }
}
