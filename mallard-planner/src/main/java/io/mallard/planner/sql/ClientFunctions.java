package io.mallard.planner.sql;

import com.fasterxml.jackson.databind.JsonNode;
import io.mallard.common.ErrorCode;
import io.mallard.common.MallardException;
import io.mallard.planner.ast.Ast;
import io.mallard.planner.ast.TableReferences;
import java.util.Locale;
import java.util.Set;

/**
 * The DuckDB functions client SQL may not call, checked on DuckDB's parse tree before the statement reaches a database
 * of the coordinator. Table functions are allowed by name (everything else reads files, runs SQL given as text, or
 * shows the server's own state: paths, settings, memory, other databases); a few scalar functions that read the
 * server's settings are refused by name. {@code ClientFunctionsTest} checks each name against the pinned DuckDB.
 */
public final class ClientFunctions {
    /** Table functions that make rows from their arguments alone. */
    static final Set<String> ROW_GENERATORS = Set.of("range", "generate_series", "unnest", "repeat", "repeat_row",
            "json_each", "json_tree");
    /** Table functions that show a fact about the server that is no secret: DuckDB's version ({@code PRAGMA version}). */
    static final Set<String> SERVER_FACTS = Set.of("pragma_version");
    /**
     * Table functions that run SQL, or read a table, named in a string: the planner cannot see what they read, and on
     * the coordinator they would read its reference copy, where partitioned tables are empty.
     */
    static final Set<String> SQL_IN_TEXT = Set.of("query", "query_table", "json_execute_serialized_sql");
    /** Scalar functions that read the server's settings (temporary directory, memory limit, …). */
    static final Set<String> SETTINGS = Set.of("current_setting", "duckdb_profiling_settings");

    private ClientFunctions() {
    }

    /** Throws the error for the first function in {@code tree} that client SQL may not call. */
    public static void check(JsonNode tree) {
        TableReferences.forEach(tree, (ref, cte) -> {
            if ("TABLE_FUNCTION".equals(ref.kind())) {
                checkTableFunction(ref.node());
            }
        });
        Ast.forEachExpression(tree, e -> {
            if (Ast.isFunction(e) && SETTINGS.contains(Ast.functionName(e))) {
                throw new MallardException(ErrorCode.PERMISSION_DENIED, Ast.functionName(e) + "() reads the server's "
                        + "settings, which client queries cannot see", position(e), null);
            }
        });
    }

    private static void checkTableFunction(JsonNode ref) {
        String name = ref.path("function").path("function_name").asText("").toLowerCase(Locale.ROOT);
        if (SQL_IN_TEXT.contains(name)) {
            throw new MallardException(ErrorCode.NOT_DISTRIBUTED_YET, name + "() reads tables named in a string, which "
                    + "the planner cannot see (on the coordinator it would read a copy in which partitioned tables are "
                    + "empty); name the tables in FROM instead", position(ref), null);
        }
        if (!ROW_GENERATORS.contains(name) && !SERVER_FACTS.contains(name)) {
            throw new MallardException(ErrorCode.PERMISSION_DENIED, "table function " + name + "() is not available to "
                    + "client queries: it reads files or the server's own state; table functions allowed: "
                    + String.join(", ", ROW_GENERATORS.stream().sorted().toList()), position(ref), null);
        }
    }

    private static int position(JsonNode node) {
        return node.path("query_location").canConvertToInt() ? node.path("query_location").asInt() : -1;
    }
}
