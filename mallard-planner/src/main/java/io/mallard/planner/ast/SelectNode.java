package io.mallard.planner.ast;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A SELECT of DuckDB's tree ({@code SELECT_NODE}): a typed view over the node, which it reads and (through the
 * {@code set…} methods) changes in place. Work on a copy ({@link #copy}) to keep the original.
 */
public record SelectNode(ObjectNode node) {
    public static final String TYPE = "SELECT_NODE";

    /** The SELECT {@code node} is, if it is one (not a set operation, not an expression). */
    public static Optional<SelectNode> of(JsonNode node) {
        return isSelect(node) ? Optional.of(new SelectNode((ObjectNode) node)) : Optional.empty();
    }

    public static boolean isSelect(JsonNode node) {
        return node != null && node.isObject() && TYPE.equals(Ast.type(node));
    }

    /** A deep copy, to rewrite without touching this one. */
    public SelectNode copy() {
        return new SelectNode(node.deepCopy());
    }

    public List<ObjectNode> selectList() {
        return objects(node.path("select_list"));
    }

    /** The FROM clause ({@code EMPTY} for a SELECT without one). */
    public TableRef from() {
        JsonNode from = node.get("from_table");
        return new TableRef(from != null && from.isObject() ? (ObjectNode) from : node.objectNode().put("type", "EMPTY"));
    }

    /** Whether the SELECT reads a FROM clause (not {@code SELECT 1} alone). */
    public boolean hasFrom() {
        JsonNode from = node.get("from_table");
        return Ast.isPresent(from) && !"EMPTY".equals(Ast.type(from));
    }

    public Optional<ObjectNode> where() {
        return optional("where_clause");
    }

    /** The WHERE clause's top-level conjuncts. */
    public List<JsonNode> whereConjuncts() {
        return Conjuncts.of(node.get("where_clause"));
    }

    /** GROUP BY items as written (ordinals and aliases unresolved). */
    public List<ObjectNode> groupExpressions() {
        return objects(node.path("group_expressions"));
    }

    public boolean isGrouped() {
        return node.path("group_expressions").size() > 0;
    }

    /** Whether the SELECT groups by several grouping sets (GROUPING SETS, ROLLUP, CUBE). */
    public boolean hasGroupingSets() {
        return node.path("group_sets").size() > 1;
    }

    /** {@code STANDARD_HANDLING}, or {@code FORCE_AGGREGATES} for GROUP BY ALL. */
    public String aggregateHandling() {
        return node.path("aggregate_handling").asText("STANDARD_HANDLING");
    }

    public Optional<ObjectNode> having() {
        return optional("having");
    }

    public Optional<ObjectNode> qualify() {
        return optional("qualify");
    }

    /** ORDER BY, LIMIT, DISTINCT … in order. */
    public List<ObjectNode> modifiers() {
        return objects(node.path("modifiers"));
    }

    /** The first modifier of this type ({@code ORDER_MODIFIER}, {@code LIMIT_MODIFIER}, {@code DISTINCT_MODIFIER}). */
    public Optional<ObjectNode> modifier(String type) {
        return modifiers().stream().filter(m -> type.equals(Ast.type(m))).findFirst();
    }

    public boolean isDistinct() {
        return modifier("DISTINCT_MODIFIER").isPresent();
    }

    public boolean isOrdered() {
        return modifier("ORDER_MODIFIER").isPresent();
    }

    /** The SELECT's own {@code WITH} list. */
    public List<Cte> ctes() {
        return Cte.of(node);
    }

    /** {@code USING SAMPLE} on the SELECT itself. */
    public boolean hasSample() {
        return Ast.isPresent(node.get("sample"));
    }

    /**
     * Whether the SELECT samples its rows ({@code USING SAMPLE}) or samples a table or sub-query of its FROM clause
     * ({@code TABLESAMPLE}): DuckDB samples before it filters.
     */
    public boolean samples() {
        if (hasSample()) {
            return true;
        }
        boolean[] found = {false};
        Ast.forEachObject(node.get("from_table"), o -> found[0] |= Ast.isPresent(o.get("sample")));
        return found[0];
    }

    public SelectNode setSelectList(List<? extends JsonNode> items) {
        ArrayNode list = node.putArray("select_list");
        items.forEach(list::add);
        return this;
    }

    public SelectNode setFrom(JsonNode from) {
        node.set("from_table", from);
        return this;
    }

    /** Sets the WHERE clause; null removes it. */
    public SelectNode setWhere(JsonNode where) {
        if (where == null) {
            node.putNull("where_clause");
        } else {
            node.set("where_clause", where);
        }
        return this;
    }

    /** GROUP BY these expressions as one grouping set (none: no grouping). */
    public SelectNode setGroupBy(List<? extends JsonNode> groups) {
        ArrayNode expressions = node.putArray("group_expressions");
        groups.forEach(expressions::add);
        ArrayNode sets = node.putArray("group_sets");
        if (!groups.isEmpty()) {
            ArrayNode set = sets.addArray();
            for (int i = 0; i < groups.size(); i++) {
                set.add(i);
            }
        }
        return this;
    }

    /** Replaces the GROUP BY expressions, keeping the grouping sets (which refer to them by position). */
    public SelectNode setGroupExpressions(List<? extends JsonNode> groups) {
        ArrayNode expressions = node.putArray("group_expressions");
        groups.forEach(expressions::add);
        return this;
    }

    /** Sets HAVING; null removes it. */
    public SelectNode setHaving(JsonNode having) {
        return setOptional("having", having);
    }

    /** Sets QUALIFY; null removes it. */
    public SelectNode setQualify(JsonNode qualify) {
        return setOptional("qualify", qualify);
    }

    public SelectNode setModifiers(List<? extends JsonNode> modifiers) {
        ArrayNode list = node.putArray("modifiers");
        modifiers.forEach(list::add);
        return this;
    }

    private SelectNode setOptional(String field, JsonNode value) {
        if (value == null) {
            node.putNull(field);
        } else {
            node.set(field, value);
        }
        return this;
    }

    private Optional<ObjectNode> optional(String field) {
        JsonNode value = node.get(field);
        return Ast.isPresent(value) ? Optional.of((ObjectNode) value) : Optional.empty();
    }

    private static List<ObjectNode> objects(JsonNode array) {
        List<ObjectNode> out = new ArrayList<>();
        array.forEach(n -> out.add((ObjectNode) n));
        return out;
    }
}
