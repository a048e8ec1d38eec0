package io.mallard.planner.plan;

import io.mallard.common.ErrorCode;
import io.mallard.common.MallardException;
import java.util.Locale;
import java.util.Optional;

/**
 * Recognizes {@code EXPLAIN <query>} sent to the coordinator. DuckDB's JSON serializer accepts only SELECT
 * statements, so the leading keyword is read here (after whitespace and comments); the query after it goes through
 * DuckDB's parser like any other.
 */
public final class ExplainStatement {
    private ExplainStatement() {
    }

    /** The query to explain, if {@code sql} is an EXPLAIN statement. */
    public static Optional<String> target(String sql) {
        int i = skipSpaceAndComments(sql, 0);
        if (!sql.regionMatches(true, i, "EXPLAIN", 0, 7) || i + 7 < sql.length() && Character.isLetterOrDigit(sql.charAt(i + 7))) {
            return Optional.empty();
        }
        int rest = skipSpaceAndComments(sql, i + 7);
        String next = sql.substring(rest).toUpperCase(Locale.ROOT);
        if (next.startsWith("ANALYZE") || next.startsWith("ANALYSE")) {
            throw new MallardException(ErrorCode.UNSUPPORTED_STATEMENT, "EXPLAIN ANALYZE is not supported yet; use EXPLAIN",
                    rest, null);
        }
        if (rest >= sql.length()) {
            throw new MallardException(ErrorCode.SYNTAX_ERROR, "EXPLAIN needs a query to explain", rest, null);
        }
        return Optional.of(sql.substring(rest));
    }

    private static int skipSpaceAndComments(String sql, int from) {
        int i = from;
        while (i < sql.length()) {
            if (Character.isWhitespace(sql.charAt(i))) {
                i++;
            } else if (sql.startsWith("--", i)) {
                int end = sql.indexOf('\n', i);
                i = end < 0 ? sql.length() : end + 1;
            } else if (sql.startsWith("/*", i)) {
                int end = sql.indexOf("*/", i + 2);
                i = end < 0 ? sql.length() : end + 2;
            } else {
                break;
            }
        }
        return i;
    }
}
