package io.mallard.planner.plan;

import io.mallard.common.ErrorCode;
import io.mallard.common.MallardException;
import java.util.Optional;

/**
 * Recognizes {@code EXPLAIN <query>} sent to the coordinator. DuckDB's JSON serializer accepts only SELECT
 * statements, so the leading keyword is read here (after whitespace and comments); the query after it goes through
 * DuckDB's parser like any other.
 */
public final class ExplainStatement {
    private ExplainStatement() {
    }

    /** The query to explain, if {@code sql} is an EXPLAIN statement (not EXPLAIN ANALYZE: see {@link #analyzeTarget}). */
    public static Optional<String> target(String sql) {
        int rest = afterKeyword(sql, skipSpaceAndComments(sql, 0), "EXPLAIN");
        if (rest < 0 || isAnalyze(sql, rest)) {
            return Optional.empty();
        }
        return Optional.of(query(sql, rest, "EXPLAIN"));
    }

    /** The query to run and explain with its execution figures, if {@code sql} is {@code EXPLAIN ANALYZE <query>}. */
    public static Optional<String> analyzeTarget(String sql) {
        int rest = afterKeyword(sql, skipSpaceAndComments(sql, 0), "EXPLAIN");
        if (rest < 0 || !isAnalyze(sql, rest)) {
            return Optional.empty();
        }
        return Optional.of(query(sql, skipSpaceAndComments(sql, rest + 7), "EXPLAIN ANALYZE"));
    }

    private static boolean isAnalyze(String sql, int at) {
        return afterKeyword(sql, at, "ANALYZE") >= 0 || afterKeyword(sql, at, "ANALYSE") >= 0;
    }

    /** The position after {@code keyword} and the space and comments behind it, or -1 when it is not at {@code at}. */
    private static int afterKeyword(String sql, int at, String keyword) {
        int end = at + keyword.length();
        if (!sql.regionMatches(true, at, keyword, 0, keyword.length()) || end < sql.length() && Character.isLetterOrDigit(sql.charAt(end))) {
            return -1;
        }
        return skipSpaceAndComments(sql, end);
    }

    private static String query(String sql, int rest, String statement) {
        if (rest >= sql.length()) {
            throw new MallardException(ErrorCode.SYNTAX_ERROR, statement + " needs a query to explain", rest, null);
        }
        return sql.substring(rest);
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
