package io.mallard.planner.ast;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A table reference of a FROM clause: a base table ({@code BASE_TABLE}), a join of two references ({@code JOIN}), a
 * sub-query ({@code SUBQUERY}), or another kind the planner only names (table functions, {@code EMPTY}, …).
 */
public record TableRef(ObjectNode node) {
    public static final String BASE_TABLE = "BASE_TABLE";
    public static final String JOIN = "JOIN";
    public static final String SUBQUERY = "SUBQUERY";

    /** The reference {@code node} is, if it is an object (a FROM clause always is). */
    public static Optional<TableRef> of(JsonNode node) {
        return node != null && node.isObject() && !node.has("class") ? Optional.of(new TableRef((ObjectNode) node))
                : Optional.empty();
    }

    /** {@code BASE_TABLE}, {@code JOIN}, {@code SUBQUERY}, {@code TABLE_FUNCTION}, {@code EMPTY}, … */
    public String kind() {
        return Ast.type(node);
    }

    public boolean isBaseTable() {
        return BASE_TABLE.equals(kind());
    }

    public boolean isJoin() {
        return JOIN.equals(kind());
    }

    public boolean isSubquery() {
        return SUBQUERY.equals(kind());
    }

    /** A base table's name as written, without schema. */
    public String tableName() {
        return node.path("table_name").asText();
    }

    /** The alias, or "" when there is none. */
    public String alias() {
        return node.path("alias").asText("");
    }

    /** Whether the base table is named without schema or catalog (it may then be a CTE's name). */
    public boolean isUnqualified() {
        return schema().isEmpty() && node.path("catalog_name").asText("").isEmpty();
    }

    public String schema() {
        return node.path("schema_name").asText("");
    }

    /** {@code t AS a(x, y)}: names given to the columns by position. */
    public List<String> columnAliases() {
        List<String> out = new ArrayList<>();
        node.path("column_name_alias").forEach(n -> out.add(n.asText()));
        return out;
    }

    /** Whether the reference itself is sampled ({@code TABLESAMPLE}). */
    public boolean isSampled() {
        return Ast.isPresent(node.get("sample"));
    }

    /** A join's type: {@code INNER}, {@code LEFT}, {@code RIGHT}, {@code OUTER}, … */
    public String joinType() {
        return node.path("join_type").asText();
    }

    /** A join's reference type: {@code REGULAR}, {@code CROSS}, {@code NATURAL}, {@code ASOF}, … */
    public String refType() {
        return node.path("ref_type").asText();
    }

    public TableRef left() {
        return new TableRef((ObjectNode) node.get("left"));
    }

    public TableRef right() {
        return new TableRef((ObjectNode) node.get("right"));
    }

    /** A join's ON condition, if it has one. */
    public Optional<ObjectNode> condition() {
        JsonNode condition = node.get("condition");
        return Ast.isPresent(condition) ? Optional.of((ObjectNode) condition) : Optional.empty();
    }

    /** A join's USING columns. */
    public List<String> usingColumns() {
        List<String> out = new ArrayList<>();
        node.path("using_columns").forEach(n -> out.add(n.asText()));
        return out;
    }

    /** A sub-query reference's query node. */
    public JsonNode subquery() {
        return node.path("subquery").path("node");
    }
}
