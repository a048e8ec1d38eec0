package io.mallard.coordinator.imports;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mallard.common.ErrorCode;
import io.mallard.common.MallardException;
import io.mallard.planner.ast.Ast;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The files a SELECT's tree reads, found anywhere in it (sub-queries and CTEs included): calls of DuckDB's file readers
 * ({@code read_parquet}, {@code read_csv}, {@code read_json} and their variants) with the files as a string or a list
 * of strings, and names in FROM that DuckDB would read as files ({@code FROM 'x.parquet'}). Beside them it notes what
 * else the query reads: tables (other than its own CTEs) and other table functions.
 */
final class FileReads {
    /** DuckDB's readers whose first argument names the files. */
    static final Set<String> READERS = Set.of("read_parquet", "parquet_scan", "read_csv", "read_csv_auto", "read_json",
            "read_json_auto", "read_ndjson", "read_ndjson_auto");
    /** Table functions that read nothing but their arguments, allowed beside files. */
    private static final Set<String> GENERATORS = Set.of("range", "generate_series", "unnest");
    private static final String TABLE_FUNCTION = "TABLE_FUNCTION";
    private static final String BASE_TABLE = "BASE_TABLE";

    /**
     * One file read: the table reference (a {@code TABLE_FUNCTION}, or a {@code BASE_TABLE} naming a file), the reader,
     * the names of its files as written, and where it is in the statement.
     */
    record Read(ObjectNode ref, String reader, List<String> names, int position) {
        boolean isFileName() {
            return BASE_TABLE.equals(Ast.type(ref));
        }
    }

    /** Something else the query reads: a table or a table function, with its position. */
    record Other(String what, int position) {
    }

    private final List<Read> reads = new ArrayList<>();
    private final List<Other> others = new ArrayList<>();

    private FileReads() {
    }

    static FileReads of(ObjectNode select) {
        FileReads found = new FileReads();
        found.walk(select, Set.of());
        return found;
    }

    List<Read> reads() {
        return reads;
    }

    List<Other> others() {
        return others;
    }

    private void walk(JsonNode node, Set<String> ctes) {
        if (node == null) {
            return;
        }
        if (node.isArray()) {
            node.forEach(child -> walk(child, ctes));
            return;
        }
        if (!node.isObject()) {
            return;
        }
        Set<String> scope = ctes;
        JsonNode map = node.path("cte_map").path("map");
        if (map.isArray() && !map.isEmpty()) {
            scope = new HashSet<>(ctes);
            for (JsonNode entry : map) {
                scope.add(entry.path("key").asText().toLowerCase(Locale.ROOT));
            }
        }
        if (!Ast.isExpression(node)) {
            if (TABLE_FUNCTION.equals(Ast.type(node)) && node.has("function")) {
                tableFunction((ObjectNode) node);
            } else if (BASE_TABLE.equals(Ast.type(node))) {
                baseTable((ObjectNode) node, scope);
            }
        }
        for (JsonNode child : node) {
            walk(child, scope);
        }
    }

    private void tableFunction(ObjectNode ref) {
        JsonNode function = ref.get("function");
        String name = Ast.functionName(function);
        int position = position(ref);
        if (!READERS.contains(name)) {
            if (!GENERATORS.contains(name)) {
                others.add(new Other("the table function " + name, position));
            }
            return;
        }
        List<ObjectNode> arguments = Ast.arguments(function);
        JsonNode first = function.path("arguments").path(0);
        if (arguments.isEmpty() || !first.path("name").asText("").isEmpty()) {
            throw new MallardException(ErrorCode.INVALID_ARGUMENT, name + " needs the files to read as its first argument",
                    position, null);
        }
        List<String> names = strings(arguments.get(0));
        if (names == null || names.isEmpty()) {
            throw new MallardException(ErrorCode.UNSUPPORTED_STATEMENT, "the files of " + name + " must be given as a "
                    + "string or a list of strings, such as " + name + "('s3://bucket/path/*.parquet')", position, null);
        }
        reads.add(new Read(ref, name, names, position));
    }

    private void baseTable(ObjectNode ref, Set<String> ctes) {
        String name = ref.path("table_name").asText();
        boolean qualified = !ref.path("schema_name").asText("").isEmpty() || !ref.path("catalog_name").asText("").isEmpty();
        if (!qualified && FileFormats.isFileName(name)) {
            reads.add(new Read(ref, FileFormats.readerFor(name, position(ref)), List.of(name), position(ref)));
        } else if (qualified || !ctes.contains(name.toLowerCase(Locale.ROOT))) {
            others.add(new Other("the table " + name, position(ref)));
        }
    }

    /** The strings of a string constant or a list of them; null for anything else. */
    private static List<String> strings(ObjectNode expression) {
        if (isString(expression)) {
            return List.of(expression.path("literal").path("text").asText());
        }
        if (Ast.isFunction(expression) && "list_value".equals(Ast.functionName(expression))) {
            List<String> out = new ArrayList<>();
            for (ObjectNode element : Ast.arguments(expression)) {
                if (!isString(element)) {
                    return null;
                }
                out.add(element.path("literal").path("text").asText());
            }
            return out;
        }
        return null;
    }

    private static boolean isString(JsonNode expression) {
        return Ast.isConstant(expression) && "STRING".equals(expression.path("literal").path("kind").asText());
    }

    private static int position(JsonNode ref) {
        JsonNode location = ref.get("query_location");
        if (location == null || !location.canConvertToInt()) {
            return -1; // DuckDB's "no location" is the largest unsigned 64-bit number
        }
        return location.asInt();
    }
}
