package io.mallard.planner.sql;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * DuckDB statements that are not queries, as users type them at a DuckDB prompt: each gets an answer that says what
 * Mallard does instead, rather than one message for all. {@code PRAGMA version} becomes the query it stands for.
 */
public final class NonQueries {
    private static final Pattern FIRST_WORD = Pattern.compile("^\\s*(?:--[^\\n]*\\n\\s*|/\\*.*?\\*/\\s*)*([A-Za-z_]+)",
            Pattern.DOTALL);
    private static final Pattern PRAGMA_VERSION = Pattern.compile("^\\s*PRAGMA\\s+version\\s*;?\\s*$", Pattern.CASE_INSENSITIVE);
    private static final Pattern SET_NAME = Pattern.compile("^\\s*(?:SET|RESET)\\s+(?:SESSION\\s+|LOCAL\\s+|GLOBAL\\s+)?"
            + "([A-Za-z_][A-Za-z0-9_.]*)", Pattern.CASE_INSENSITIVE);

    private NonQueries() {
    }

    /** {@code PRAGMA version} as the query it stands for; empty for any other text. */
    public static Optional<String> asQuery(String sql) {
        return PRAGMA_VERSION.matcher(sql).matches()
                ? Optional.of("SELECT * FROM pragma_version()")
                : Optional.empty();
    }

    /** Why a statement DuckDB cannot express as a query does not run, by its first word. */
    static String whyNot(String sql) {
        Matcher first = FIRST_WORD.matcher(sql);
        String word = first.find() ? first.group(1).toUpperCase(Locale.ROOT) : "";
        return switch (word) {
            case "PIVOT" -> "PIVOT runs when its ON values are listed: PIVOT t ON col IN ('a', 'b') USING sum(x) (Mallard "
                    + "plans the whole statement before any row is read, so it cannot look the values up first)";
            case "SET", "RESET" -> {
                Matcher name = SET_NAME.matcher(sql);
                String setting = name.find() ? name.group(1) : "";
                yield "SET " + setting + " is a setting of one DuckDB; the cluster's databases are configured by the "
                        + "coordinator and workers (threads follow each worker's CPUs). A session sets "
                        + "mallard.distributed, mallard.summarize and mallard.query_timeout";
            }
            case "PRAGMA" -> "PRAGMA statements read or change one DuckDB's own state; the cluster's state is in the "
                    + "mallard.* system tables (PRAGMA version runs: it is SELECT * FROM pragma_version())";
            case "CALL" -> "CALL runs Mallard's own procedures only (mallard_drain, mallard_compact)";
            case "ATTACH", "DETACH", "USE" -> word + " is refused: a query reads the cluster's one database, mallard";
            case "INSTALL", "LOAD" -> word + " is refused: extensions are the server's choice, not a session's";
            case "COPY", "EXPORT", "IMPORT" -> word + " to or from files on the server is refused; load files with "
                    + "mallard load or INSERT INTO t SELECT * FROM read_parquet('s3://…')";
            case "BEGIN", "COMMIT", "ROLLBACK", "START", "ABORT" -> "transactions: each statement commits on its own";
            case "CREATE" -> "CREATE TABLE t (…), CREATE TABLE t AS SELECT … and CREATE TABLE IF NOT EXISTS run on Mallard; "
                    + "CREATE OR REPLACE, temporary tables, views, schemas, sequences, macros, types and indexes do not "
                    + "(to replace a table, DROP TABLE it first)";
            default -> "only queries (SELECT, WITH, VALUES, FROM, DESCRIBE, EXPLAIN) and table statements (CREATE, "
                    + "INSERT, UPDATE, DELETE, ALTER, DROP, TRUNCATE) run on Mallard"
                    + (word.isEmpty() ? "" : "; " + word + " statements do not");
        };
    }
}
