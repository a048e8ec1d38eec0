package io.mallard.common.duck;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Locks a DuckDB database against the SQL it will run for clients: no file system or network access, no extension
 * loading, no setting changes, no expression deeper than {@link #MAX_EXPRESSION_DEPTH}. Before locking, it makes the database report errors as DuckDB's structured JSON
 * ({@code errors_as_json}), so that {@link DuckErrors} reads each error's kind rather than its text. DuckDB's JDBC
 * driver shares one database instance per file within a JVM, so a database may already be locked; then it is only
 * checked.
 */
public final class DuckLockdown {
    /** The deepest expression a statement may hold (DuckDB's {@code max_expression_depth}, default 1000). */
    public static final int MAX_EXPRESSION_DEPTH = 250;

    private DuckLockdown() {
    }

    public static void apply(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            if (setting(statement, "lock_configuration")) {
                if (setting(statement, "enable_external_access")) {
                    throw new SQLException("database configuration is locked with external access enabled");
                }
                return;
            }
            statement.execute("SET GLOBAL errors_as_json = true"); // GLOBAL: duplicated connections inherit it
            // DuckDB's binder recurses on the calling thread's stack: at its default depth limit (1000) an expression
            // 850 levels deep (SELECT 1 + 1 + … or NOT NOT …) overflows a 1 MB Java thread stack and kills the process
            // with a segmentation fault; at this limit the parser refuses it first
            statement.execute("SET GLOBAL max_expression_depth = " + MAX_EXPRESSION_DEPTH);
            statement.execute("SET enable_external_access = false");
            statement.execute("SET lock_configuration = true");
        }
    }

    private static boolean setting(Statement statement, String name) throws SQLException {
        try (ResultSet rs = statement.executeQuery("SELECT current_setting('" + name + "')::BOOLEAN")) {
            rs.next();
            return rs.getBoolean(1);
        }
    }
}
