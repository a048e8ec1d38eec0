package io.mallard.planner.plan.aggregate;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mallard.planner.ast.Ast;
import io.mallard.planner.ast.FunctionCall;
import io.mallard.planner.ast.Nodes;
import io.mallard.planner.sql.SqlEngine;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * What a decomposition works with while one aggregation is split: the worker's partial aggregates, shared (an
 * expression asked for twice is computed once, under one name), the columns the combine computes over the partials
 * before aggregating (window columns), the group columns, and DuckDB for the few nodes built from parsed templates.
 */
final class SplitContext {
    private final SqlEngine engine;
    private final Function<ObjectNode, String> canonical;
    private final List<String> groupColumns;
    private final boolean groupingSets;
    private final Map<String, String> partialNames = new LinkedHashMap<>();
    private final List<ObjectNode> partials = new ArrayList<>();
    private final Map<String, String> windowNames = new LinkedHashMap<>();
    private final List<ObjectNode> windows = new ArrayList<>();

    /**
     * @param canonical    an expression's structural identity (positions and aliases dropped, columns resolved)
     * @param groupColumns the names of the group columns in the partials
     * @param groupingSets whether the query groups by several grouping sets (ROLLUP, CUBE, GROUPING SETS)
     */
    SplitContext(SqlEngine engine, Function<ObjectNode, String> canonical, List<String> groupColumns, boolean groupingSets) {
        this.engine = engine;
        this.canonical = canonical;
        this.groupColumns = List.copyOf(groupColumns);
        this.groupingSets = groupingSets;
    }

    SqlEngine engine() {
        return engine;
    }

    boolean groupingSets() {
        return groupingSets;
    }

    List<String> groupColumns() {
        return groupColumns;
    }

    /** The name of the worker column that computes {@code expression} ({@code __pN}); the same name for the same expression. */
    String partial(ObjectNode expression) {
        return partialNames.computeIfAbsent(canonical.apply(expression), k -> {
            String name = "__p" + partials.size();
            partials.add(Nodes.withAlias(expression, name));
            return name;
        });
    }

    /** A reference to the partial that computes {@code expression}. */
    ObjectNode partialRef(ObjectNode expression) {
        return Nodes.columnRef(partial(expression));
    }

    /** The worker's partial expressions, aliased with their names, in the order they were first asked for. */
    List<ObjectNode> partials() {
        return partials;
    }

    /**
     * The name of a column the combine computes over the merged partials before aggregating them ({@code __gmN}), such
     * as a window over each group's partials; the same name for the same expression.
     */
    String window(ObjectNode expression) {
        return windowNames.computeIfAbsent(canonical.apply(expression), k -> {
            String name = "__gm" + windows.size();
            windows.add(Nodes.withAlias(expression, name));
            return name;
        });
    }

    List<ObjectNode> windows() {
        return windows;
    }

    /** The aggregate's call (arguments, FILTER, DISTINCT, ORDER BY) under another function name. */
    static ObjectNode sameInputs(FunctionCall aggregate, String function) {
        ObjectNode copy = Nodes.withAlias(aggregate.node(), "");
        copy.put("function_name", function);
        copy.withObjectProperty("qualified_name").withArrayProperty("path").removeAll().add(function);
        return copy;
    }

    /** The aggregate's FILTER and modifiers under another function with other arguments. */
    static ObjectNode withArguments(FunctionCall aggregate, String function, List<ObjectNode> arguments) {
        ObjectNode copy = sameInputs(aggregate, function);
        ArrayNode args = copy.putArray("arguments");
        for (ObjectNode argument : arguments) {
            ObjectNode wrapper = args.addObject();
            wrapper.put("name", "");
            wrapper.set("expression", argument.deepCopy());
        }
        return copy;
    }

    /** The first select-list expression of {@code SELECT <expression>}, parsed by DuckDB: a template to fill in. */
    ObjectNode template(String expression) {
        return (ObjectNode) engine.parseSelect("SELECT " + expression).path("select_list").get(0);
    }

    /** A template with its column reference(s) replaced by {@code value}. */
    ObjectNode fill(String expression, ObjectNode value) {
        return (ObjectNode) Ast.rewrite(template(expression), e -> Ast.isColumnRef(e) ? value.deepCopy() : null);
    }

    /** A numeric literal, taken from DuckDB's parse of {@code SELECT <digits>::DOUBLE}. */
    ObjectNode doubleConstant(String digits) {
        return template(digits + "::DOUBLE");
    }

    /** The type node of {@code CAST(x AS DOUBLE)}. */
    ObjectNode doubleType() {
        return engine.typeNode("DOUBLE");
    }
}
