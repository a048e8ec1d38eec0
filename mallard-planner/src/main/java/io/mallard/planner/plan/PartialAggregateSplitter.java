package io.mallard.planner.plan;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mallard.planner.ast.Ast;
import io.mallard.planner.ast.Nodes;
import io.mallard.planner.sql.OutputColumn;
import io.mallard.planner.sql.SqlEngine;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Splits an aggregation into a worker part (group keys and partial aggregates per shard) and a combine part (final
 * aggregates over the partials, then HAVING, ORDER BY and LIMIT). Never averages averages: avg travels as sum and
 * count. The combine casts each output column to the type a single DuckDB gives it.
 */
final class PartialAggregateSplitter {
    /** The two halves of a split aggregation. */
    record Split(ObjectNode worker, ObjectNode combine) {
    }

    /** Aggregates whose final step is the same function over the partials (associative and commutative). */
    private static final Set<String> SELF_MERGING = Set.of("sum", "min", "max", "bool_and", "bool_or", "bit_and",
            "bit_or", "bit_xor", "any_value", "product");
    /** Aggregates of a value at the extreme of a key: the worker also ships the extreme key. */
    private static final Set<String> BY_KEY = Set.of("arg_min", "arg_max", "min_by", "max_by", "argmin", "argmax");
    /** Variance and standard deviation, merged with Chan et al.'s parallel formula. */
    private static final Set<String> MOMENTS = Set.of("var_pop", "var_samp", "variance", "stddev_pop", "stddev_samp", "stddev");
    /** Aggregates that ignore duplicate inputs, so they may run beside DISTINCT aggregates over deduplicated rows. */
    private static final Set<String> DUPLICATE_INSENSITIVE = Set.of("min", "max", "bool_and", "bool_or", "bit_and", "bit_or",
            "any_value");
    private static final Set<String> SUPPORTED;

    static {
        Set<String> all = new java.util.HashSet<>(Set.of("count_star", "count", "avg", "mean"));
        all.addAll(MOMENTS);
        all.addAll(SELF_MERGING);
        all.addAll(BY_KEY);
        SUPPORTED = Set.copyOf(all);
    }

    private final SqlEngine engine;
    private final TableBindings bindings;
    private final ObjectNode select;
    private final List<ObjectNode> groups = new ArrayList<>();
    private final List<String> groupNames = new ArrayList<>();
    private final Map<String, Integer> groupIndex = new LinkedHashMap<>();
    private final Map<String, ObjectNode> combineByAggregate = new LinkedHashMap<>();
    private final List<ObjectNode> workerPartials = new ArrayList<>();
    /** Window columns the combine computes over the partials before aggregating (grand means for Chan's merge). */
    private final List<ObjectNode> windowColumns = new ArrayList<>();
    /**
     * DISTINCT aggregates: workers ship the distinct (group keys, aggregate inputs) rows instead of partial aggregates,
     * and the combine runs the aggregates over them.
     */
    private boolean distinctInputs;

    /** Whether an expression is the shard key: its values never repeat across shards. */
    private final Predicate<JsonNode> isShardKey;

    private PartialAggregateSplitter(SqlEngine engine, TableBindings bindings, ObjectNode select, Predicate<JsonNode> isShardKey) {
        this.engine = engine;
        this.bindings = bindings;
        this.select = select;
        this.isShardKey = isShardKey;
    }

    static Split split(SqlEngine engine, TableBindings bindings, ObjectNode select, List<OutputColumn> output,
            Predicate<JsonNode> isShardKey) {
        return new PartialAggregateSplitter(engine, bindings, select, isShardKey).run(output);
    }

    /**
     * {@code count(DISTINCT key)} over the shard key: a key value lives on one shard only, so the per-shard distinct
     * counts add up (DESIGN.md §4), with no deduplication on the coordinator.
     */
    private boolean countsDistinctShardKeys(JsonNode aggregate) {
        List<ObjectNode> args = Ast.arguments(aggregate);
        return "count".equals(Ast.functionName(aggregate)) && aggregate.path("distinct").asBoolean(false)
                && args.size() == 1 && isShardKey.test(args.get(0));
    }

    private Split run(List<OutputColumn> output) {
        resolveGroups();
        for (String part : List.of("select_list", "having", "qualify", "modifiers")) {
            Ast.forEachExpression(select.get(part), e -> distinctInputs |= Ast.isFunction(e) && e.path("distinct").asBoolean(false)
                    && engine.aggregateFunctions().contains(Ast.functionName(e)) && !countsDistinctShardKeys(e));
        }
        List<ObjectNode> combineSelect = new ArrayList<>();
        JsonNode selectList = select.path("select_list");
        for (int i = 0; i < selectList.size(); i++) {
            ObjectNode item = (ObjectNode) selectList.get(i);
            if ("STAR".equals(Ast.exprClass(item))) {
                throw NotDistributed.because("* in an aggregate query", item);
            }
            ObjectNode rewritten = toCombine(item);
            OutputColumn column = output.get(i);
            combineSelect.add(Nodes.withAlias(Nodes.cast(rewritten, engine.typeNode(column.type())), column.name()));
        }
        JsonNode having = select.get("having");
        JsonNode combineHaving = having == null || having.isNull() ? having : toCombine((ObjectNode) having);
        JsonNode qualify = select.get("qualify");
        JsonNode combineQualify = qualify == null || qualify.isNull() ? qualify : toCombine((ObjectNode) qualify);
        JsonNode combineModifiers = Ast.rewrite(select.path("modifiers"), this::combineReplacement);
        ObjectNode combine = combineNode(combineSelect, combineHaving, combineModifiers);
        if (combineQualify != null) {
            combine.set("qualify", combineQualify);
        }
        return new Split(workerNode(), combine);
    }

    /** GROUP BY items, with ordinals and select-list aliases replaced by the expressions they name. */
    private void resolveGroups() {
        if (!"STANDARD_HANDLING".equals(select.path("aggregate_handling").asText("STANDARD_HANDLING"))) {
            throw NotDistributed.because("GROUP BY ALL", null); // the planner expands it before splitting
        }
        Set<String> used = new HashSet<>();
        for (ObjectNode group : ShardLocality.resolvedGroups(select, bindings)) {
            String name = Ast.isColumnRef(group) ? Ast.columnNames(group).get(Ast.columnNames(group).size() - 1) : "";
            if (name.isEmpty() || name.startsWith("__") || !used.add(name.toLowerCase(Locale.ROOT))) {
                name = "__g" + groups.size();
            }
            groupIndex.putIfAbsent(canonical(group), groups.size());
            groups.add(group);
            groupNames.add(name);
        }
    }

    private ObjectNode toCombine(ObjectNode expression) {
        return (ObjectNode) Ast.rewrite(expression, this::combineReplacement);
    }

    /** Group expressions become references to the partial's group column, aggregates their final form. */
    private ObjectNode combineReplacement(ObjectNode node) {
        Integer group = groupIndex.get(canonical(node));
        if (group != null) {
            return Nodes.withAlias(Nodes.columnRef(groupNames.get(group)), node.path("alias").asText(""));
        }
        String cls = Ast.exprClass(node);
        if ("WINDOW".equals(cls)) {
            return null; // a window over the grouped result: the combine evaluates it over the final groups
        }
        if ("SUBQUERY".equals(cls)) {
            throw NotDistributed.because("sub-queries", node);
        }
        if (Ast.isFunction(node) && engine.aggregateFunctions().contains(Ast.functionName(node))) {
            ObjectNode combined = combineByAggregate.computeIfAbsent(canonical(node), k -> splitAggregate(node));
            return Nodes.withAlias(combined, node.path("alias").asText(""));
        }
        return null;
    }

    private ObjectNode splitAggregate(ObjectNode aggregate) {
        String name = Ast.functionName(aggregate);
        if (distinctInputs) {
            // over distinct (keys, inputs) rows even a shard-key count must count there: its partial would be per input
            return overDistinctInputs(aggregate, name);
        }
        if (!SUPPORTED.contains(name)) {
            throw NotDistributed.because("aggregate function " + name, aggregate);
        }
        if (aggregate.path("distinct").asBoolean(false) && !countsDistinctShardKeys(aggregate)) {
            throw NotDistributed.because("DISTINCT aggregates (" + name + "(DISTINCT …))", aggregate);
        }
        switch (name) {
            case "count_star", "count" -> {
                String partial = addPartial(Nodes.withAlias(aggregate, ""));
                ObjectNode total = Nodes.function("sum", List.of(Nodes.columnRef(partial)));
                if (groupingSets()) {
                    // the grand-total set of a ROLLUP over no rows at all still counts 0, not NULL
                    ObjectNode template = (ObjectNode) engine.parseSelect("SELECT coalesce(__x, 0)").path("select_list").get(0);
                    ObjectNode sum = total;
                    total = (ObjectNode) Ast.rewrite(template, e -> Ast.isColumnRef(e) ? sum : null);
                }
                return Nodes.cast(total, engine.typeNode("BIGINT"));
            }
            case "avg", "mean" -> {
                // avg = Σ sum / Σ count, never an average of averages
                String sum = addPartial(sameInputs(aggregate, "sum"));
                String count = addPartial(sameInputs(aggregate, "count"));
                ObjectNode doubleType = engine.typeNode("DOUBLE");
                return Nodes.operator("/",
                        Nodes.cast(Nodes.function("sum", List.of(Nodes.columnRef(sum))), doubleType),
                        Nodes.cast(Nodes.function("sum", List.of(Nodes.columnRef(count))), doubleType));
            }
            default -> {
                if (MOMENTS.contains(name)) {
                    return mergeMoments(aggregate, name);
                }
                if (BY_KEY.contains(name)) {
                    // arg_min(x, k): each shard's winner with its k; the final arg_min over those pairs
                    List<ObjectNode> args = Ast.arguments(aggregate);
                    if (args.size() != 2) {
                        throw NotDistributed.because("aggregate function " + name + " with " + args.size() + " arguments", aggregate);
                    }
                    String value = addPartial(Nodes.withAlias(aggregate, ""));
                    boolean minimum = name.startsWith("arg_min") || name.equals("min_by") || name.equals("argmin");
                    // arg_min/arg_max skip rows whose value is NULL: the shard's extreme key must skip them too
                    ObjectNode keyPartial = withArguments(aggregate, minimum ? "min" : "max", List.of(args.get(1)));
                    ObjectNode notNull = (ObjectNode) Ast.rewrite(
                            engine.parseSelect("SELECT __x IS NOT NULL").path("select_list").get(0),
                            e -> Ast.isColumnRef(e) ? args.get(0).deepCopy() : null);
                    JsonNode filter = aggregate.get("filter");
                    keyPartial.set("filter", filter == null || filter.isNull() ? notNull : Nodes.and((ObjectNode) filter.deepCopy(), notNull));
                    String key = addPartial(keyPartial);
                    return Nodes.function(name, List.of(Nodes.columnRef(value), Nodes.columnRef(key)));
                }
                String partial = addPartial(Nodes.withAlias(aggregate, ""));
                return Nodes.function(name, List.of(Nodes.columnRef(partial)));
            }
        }
    }

    /**
     * With DISTINCT aggregates the workers deduplicate (group keys, inputs) and the combine aggregates the distinct rows:
     * the same function over the input columns. Only aggregates that ignore duplicates may stand beside them.
     */
    private ObjectNode overDistinctInputs(ObjectNode aggregate, String name) {
        boolean distinct = aggregate.path("distinct").asBoolean(false);
        if (!distinct && !DUPLICATE_INSENSITIVE.contains(name)) {
            throw NotDistributed.because("DISTINCT aggregates beside " + name, aggregate);
        }
        if (!aggregate.path("filter").isNull() && !aggregate.path("filter").isMissingNode()) {
            throw NotDistributed.because("DISTINCT aggregates with FILTER", aggregate);
        }
        if (aggregate.path("order_bys").path("orders").size() > 0) {
            throw NotDistributed.because("aggregate function " + name + " with ORDER BY", aggregate);
        }
        List<ObjectNode> columns = new ArrayList<>();
        for (ObjectNode argument : Ast.arguments(aggregate)) {
            columns.add(Ast.isConstant(argument) ? argument : Nodes.columnRef(addPartial(argument)));
        }
        return withArguments(aggregate, Ast.functionName(aggregate), columns);
    }

    /**
     * Chan et al.: each shard ships n, mean and M2 = var_pop·n; the combine computes the grand mean per group (a window
     * over the partials) and M2 = ΣM2ᵢ + Σnᵢ(meanᵢ − mean)², never the cancellation-prone Σx² − n·mean².
     */
    private ObjectNode mergeMoments(ObjectNode aggregate, String name) {
        if (groupingSets()) {
            throw NotDistributed.because(name + " with GROUPING SETS, ROLLUP or CUBE", aggregate);
        }
        List<ObjectNode> args = Ast.arguments(aggregate);
        ObjectNode doubleType = engine.typeNode("DOUBLE");
        String n = addPartial(withArguments(aggregate, "count", args));
        String mean = addPartial(Nodes.cast(withArguments(aggregate, "avg", args), doubleType));
        String m2 = addPartial(Nodes.operator("*", withArguments(aggregate, "var_pop", args),
                Nodes.cast(withArguments(aggregate, "count", args), doubleType)));
        String grand = "__gm" + windowColumns.size();
        ObjectNode template = engine.parseSelect(
                "SELECT sum(__n * __m) OVER (PARTITION BY __g) / sum(__n) OVER (PARTITION BY __g) FROM " + DistributedPlan.PARTIALS);
        ObjectNode window = (ObjectNode) Ast.rewrite(template.path("select_list").get(0), e -> {
            if (Ast.isColumnRef(e) && Ast.columnNames(e).size() == 1) {
                String placeholder = Ast.columnNames(e).get(0);
                if (placeholder.equals("__n")) {
                    return Nodes.columnRef(n);
                }
                if (placeholder.equals("__m")) {
                    return Nodes.columnRef(mean);
                }
            }
            return null;
        });
        Ast.forEachObject(window, o -> {
            if ("WINDOW".equals(Ast.exprClass(o))) {
                ArrayNode partitions = o.putArray("partitions");
                groupNames.forEach(g -> partitions.add(Nodes.columnRef(g)));
            }
        });
        windowColumns.add(Nodes.withAlias(window, grand));
        ObjectNode deviation = Nodes.operator("-", Nodes.columnRef(mean), Nodes.columnRef(grand));
        ObjectNode total = Nodes.operator("+", Nodes.function("sum", List.of(Nodes.columnRef(m2))),
                Nodes.function("sum", List.of(Nodes.operator("*", Nodes.columnRef(n),
                        Nodes.operator("*", deviation, deviation.deepCopy())))));
        // clamp rounding below zero, but keep NULL (no rows): greatest() skips NULLs, and 0·NULL is NULL
        ObjectNode m2Total = Nodes.function("greatest", List.of(total, Nodes.operator("*", constantTemplate("0"), total.deepCopy())));
        ObjectNode count = Nodes.cast(Nodes.function("sum", List.of(Nodes.columnRef(n))), doubleType);
        boolean sample = !name.endsWith("_pop");
        // one row gives NULL for the sample forms, as on one node
        ObjectNode divisor = Nodes.function("nullif", List.of(
                sample ? Nodes.operator("-", count, constantTemplate("1")) : count, constantTemplate("0")));
        ObjectNode variance = Nodes.operator("/", m2Total, divisor);
        return name.startsWith("stddev") ? Nodes.function("sqrt", List.of(variance)) : variance;
    }

    /** A numeric literal, taken from DuckDB's parse of {@code SELECT <digits>::DOUBLE}. */
    private ObjectNode constantTemplate(String digits) {
        return (ObjectNode) engine.parseSelect("SELECT " + digits + "::DOUBLE").path("select_list").get(0);
    }

    /** The same FILTER and modifiers under another function with other arguments. */
    private static ObjectNode withArguments(ObjectNode aggregate, String function, List<ObjectNode> arguments) {
        ObjectNode copy = sameInputs(aggregate, function);
        ArrayNode args = copy.putArray("arguments");
        for (ObjectNode argument : arguments) {
            ObjectNode wrapper = args.addObject();
            wrapper.put("name", "");
            wrapper.set("expression", argument.deepCopy());
        }
        return copy;
    }

    /** The same call (arguments and FILTER) under another aggregate function name. */
    private static ObjectNode sameInputs(ObjectNode aggregate, String function) {
        ObjectNode copy = Nodes.withAlias(aggregate, "");
        copy.put("function_name", function);
        ((ArrayNode) copy.with("qualified_name").withArray("path")).removeAll().add(function);
        return copy;
    }

    /** Whether the query groups by several grouping sets (GROUPING SETS, ROLLUP, CUBE). */
    private boolean groupingSets() {
        return select.path("group_sets").size() > 1;
    }

    private String addPartial(ObjectNode workerExpression) {
        String name = "__p" + workerPartials.size();
        workerPartials.add(Nodes.withAlias(workerExpression, name));
        return name;
    }

    private ObjectNode workerNode() {
        ObjectNode worker = select.deepCopy();
        ArrayNode list = worker.putArray("select_list");
        ArrayNode groupExpressions = worker.putArray("group_expressions");
        for (int i = 0; i < groups.size(); i++) {
            list.add(Nodes.withAlias(groups.get(i), groupNames.get(i)));
            groupExpressions.add(Nodes.withAlias(groups.get(i), ""));
        }
        workerPartials.forEach(list::add);
        if (distinctInputs) {
            // the distinct (keys, inputs) rows: aggregate inputs become grouping columns
            workerPartials.forEach(p -> groupExpressions.add(Nodes.withAlias(p, "")));
        }
        // workers group by every key once; the combine forms the grouping sets over the merged partials
        ArrayNode set = worker.putArray("group_sets").addArray();
        for (int i = 0; i < groupExpressions.size(); i++) {
            set.add(i);
        }
        if (groupExpressions.isEmpty()) {
            worker.putArray("group_sets");
        }
        worker.putNull("having");
        worker.putNull("qualify");
        worker.putArray("modifiers");
        return worker;
    }

    private ObjectNode combineNode(List<ObjectNode> selectList, JsonNode having, JsonNode modifiers) {
        ObjectNode combine = select.deepCopy();
        ArrayNode list = combine.putArray("select_list");
        selectList.forEach(list::add);
        combine.set("from_table", Nodes.baseTable(DistributedPlan.PARTIALS));
        if (!windowColumns.isEmpty()) {
            ObjectNode derived = engine.parseSelect("SELECT * FROM (SELECT * FROM " + DistributedPlan.PARTIALS + ") AS __mallard_merged");
            ObjectNode from = (ObjectNode) derived.get("from_table");
            ArrayNode innerList = ((ObjectNode) from.path("subquery").path("node")).withArray("select_list");
            windowColumns.forEach(innerList::add);
            combine.set("from_table", from);
        }
        combine.putNull("where_clause");
        ArrayNode groupExpressions = combine.putArray("group_expressions");
        groupNames.forEach(n -> groupExpressions.add(Nodes.columnRef(n)));
        combine.set("having", having);
        combine.set("modifiers", modifiers);
        return combine;
    }

    /** Structural identity of an expression: positions and aliases dropped, columns resolved to their table. */
    private String canonical(ObjectNode expression) {
        JsonNode resolved = Ast.rewrite(expression, n -> {
            if (!Ast.isColumnRef(n)) {
                return null;
            }
            Optional<String> key = bindings.resolve(Ast.columnNames(n));
            return key.map(Nodes::columnRef).orElse(null);
        });
        return Ast.withoutPositions(resolved).toString();
    }
}
