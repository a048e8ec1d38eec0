package io.mallard.planner.plan.aggregate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mallard.planner.ast.Ast;
import io.mallard.planner.ast.ColumnRef;
import io.mallard.planner.ast.FunctionCall;
import io.mallard.planner.ast.Nodes;
import io.mallard.planner.ast.SelectNode;
import io.mallard.planner.plan.Attempt;
import io.mallard.planner.plan.DistributedPlan;
import io.mallard.planner.plan.Refusal;
import io.mallard.planner.sql.OutputColumn;
import io.mallard.planner.sql.SqlEngine;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Splits an aggregation into a worker part (group keys and partial aggregates per shard) and a combine part (final
 * aggregates over the partials, then HAVING, windows, QUALIFY, ORDER BY and LIMIT). Each aggregate is split by its
 * family's {@link AggregateDecomposition}; partials the aggregates have in common are computed once. The combine casts
 * each output column to the type a single DuckDB gives it.
 */
public final class PartialAggregateSplitter {
    private static final Decompositions FAMILIES = new Decompositions();

    /** The two halves of a split aggregation. */
    public record Split(SelectNode worker, SelectNode combine) {
    }

    private final SqlEngine engine;
    private final SelectNode select;
    private final Function<ObjectNode, String> canonical;
    private final Predicate<JsonNode> isShardKey;
    private final List<ObjectNode> groups = new ArrayList<>();
    private final List<String> groupNames = new ArrayList<>();
    private final Map<String, Integer> groupIndex = new HashMap<>();
    private final Map<String, ObjectNode> combineByAggregate = new HashMap<>();
    private SplitContext context;
    /** Whether the workers ship distinct (group keys, inputs) rows rather than partial aggregates. */
    private boolean distinctInputs;
    /** The first reason met while rewriting that the aggregation cannot be split. */
    private Refusal refusal;

    private PartialAggregateSplitter(SqlEngine engine, SelectNode select, Function<ObjectNode, String> canonical,
            Predicate<JsonNode> isShardKey) {
        this.engine = engine;
        this.select = select;
        this.canonical = canonical;
        this.isShardKey = isShardKey;
    }

    /**
     * Splits {@code select}, or says why it cannot be split.
     *
     * @param groups     its GROUP BY items with ordinals and select-list aliases resolved
     * @param output     its result columns, as a single DuckDB returns them
     * @param canonical  an expression's structural identity: positions and aliases dropped, columns resolved to their
     *                   table, so that two spellings of the same expression compare equal
     * @param isShardKey whether an expression is the shard key, whose values never repeat across shards
     */
    public static Attempt<Split> split(SqlEngine engine, SelectNode select, List<ObjectNode> groups, List<OutputColumn> output,
            Function<ObjectNode, String> canonical, Predicate<JsonNode> isShardKey) {
        return new PartialAggregateSplitter(engine, select, canonical, isShardKey).run(groups, output);
    }

    private Attempt<Split> run(List<ObjectNode> resolvedGroups, List<OutputColumn> output) {
        if (!"STANDARD_HANDLING".equals(select.aggregateHandling())) {
            return Attempt.refused(Refusal.because("GROUP BY ALL", null)); // the planner expands it before splitting
        }
        nameGroups(resolvedGroups);
        context = new SplitContext(engine, canonical, groupNames, select.hasGroupingSets());
        for (String part : List.of("select_list", "having", "qualify", "modifiers")) {
            Ast.forEachExpression(select.node().get(part), e -> distinctInputs |= FunctionCall.of(e)
                    .filter(f -> f.isDistinct() && engine.aggregateFunctions().contains(f.name()) && !countsDistinctShardKeys(f))
                    .isPresent());
        }
        List<ObjectNode> combineSelect = new ArrayList<>();
        List<ObjectNode> items = select.selectList();
        for (int i = 0; i < items.size(); i++) {
            ObjectNode item = items.get(i);
            if ("STAR".equals(Ast.exprClass(item))) {
                return Attempt.refused(Refusal.because("* in an aggregate query", item));
            }
            ObjectNode rewritten = toCombine(item);
            if (refusal != null) {
                return Attempt.refused(refusal);
            }
            OutputColumn column = output.get(i);
            combineSelect.add(Nodes.withAlias(Nodes.cast(rewritten, engine.typeNode(column.type())), column.name()));
        }
        JsonNode combineHaving = select.having().map(this::toCombine).orElse(null);
        JsonNode combineQualify = select.qualify().map(this::toCombine).orElse(null);
        JsonNode combineModifiers = Ast.rewrite(select.node().path("modifiers"), this::combineReplacement);
        if (refusal != null) {
            return Attempt.refused(refusal);
        }
        SelectNode combine = combineNode(combineSelect, combineHaving, combineModifiers);
        if (combineQualify != null) {
            combine.setQualify(combineQualify);
        }
        return Attempt.success(new Split(workerNode(), combine));
    }

    /** Names the group columns of the partials: a grouped column keeps its name unless two would share one. */
    private void nameGroups(List<ObjectNode> resolvedGroups) {
        Set<String> used = new HashSet<>();
        for (ObjectNode group : resolvedGroups) {
            String name = ColumnRef.of(group).map(ColumnRef::column).orElse("");
            if (name.isEmpty() || name.startsWith("__") || !used.add(name.toLowerCase(Locale.ROOT))) {
                name = "__g" + groups.size();
            }
            groupIndex.putIfAbsent(canonical.apply(group), groups.size());
            groups.add(group);
            groupNames.add(name);
        }
    }

    /**
     * {@code count(DISTINCT key)} over the shard key: a key value lives on one shard only, so the per-shard distinct
     * counts add up (DESIGN.md §4), with no deduplication on the coordinator.
     */
    private boolean countsDistinctShardKeys(FunctionCall aggregate) {
        List<ObjectNode> args = aggregate.arguments();
        return "count".equals(aggregate.name()) && aggregate.isDistinct() && args.size() == 1 && isShardKey.test(args.get(0));
    }

    private ObjectNode toCombine(ObjectNode expression) {
        return (ObjectNode) Ast.rewrite(expression, this::combineReplacement);
    }

    /** Group expressions become references to the partial's group column, aggregates their final form. */
    private ObjectNode combineReplacement(ObjectNode node) {
        if (refusal != null) {
            return node; // nothing more to rewrite: the split is refused
        }
        Integer group = groupIndex.get(canonical.apply(node));
        if (group != null) {
            return Nodes.withAlias(Nodes.columnRef(groupNames.get(group)), node.path("alias").asText(""));
        }
        String cls = Ast.exprClass(node);
        if ("WINDOW".equals(cls)) {
            return null; // a window over the grouped result: the combine evaluates it over the final groups
        }
        if ("SUBQUERY".equals(cls)) {
            refusal = Refusal.because("sub-queries", node);
            return node;
        }
        FunctionCall call = FunctionCall.of(node).filter(f -> engine.aggregateFunctions().contains(f.name())).orElse(null);
        if (call == null) {
            return null;
        }
        String key = canonical.apply(node);
        ObjectNode combined = combineByAggregate.get(key);
        if (combined == null) {
            Attempt<ObjectNode> split = splitAggregate(call);
            if (!split.succeeded()) {
                refusal = split.refusal();
                return node;
            }
            combined = split.value();
            combineByAggregate.put(key, combined);
        }
        return Nodes.withAlias(combined, call.alias());
    }

    private Attempt<ObjectNode> splitAggregate(FunctionCall aggregate) {
        String name = aggregate.name();
        if (distinctInputs) {
            // over distinct (keys, inputs) rows even a shard-key count must count there: its partial would be per input
            return FAMILIES.distinctInputs().combine(aggregate, context);
        }
        AggregateDecomposition family = FAMILIES.of(name).orElse(null);
        if (family == null) {
            return Attempt.refused(Refusal.because("aggregate function " + name, aggregate.node()));
        }
        if (aggregate.isDistinct() && !countsDistinctShardKeys(aggregate)) {
            return Attempt.refused(Refusal.because("DISTINCT aggregates (" + name + "(DISTINCT …))", aggregate.node()));
        }
        return family.combine(aggregate, context);
    }

    private SelectNode workerNode() {
        SelectNode worker = select.copy();
        List<ObjectNode> list = new ArrayList<>();
        List<ObjectNode> groupBy = new ArrayList<>();
        for (int i = 0; i < groups.size(); i++) {
            list.add(Nodes.withAlias(groups.get(i), groupNames.get(i)));
            groupBy.add(Nodes.withAlias(groups.get(i), ""));
        }
        list.addAll(context.partials());
        if (distinctInputs) {
            // the distinct (keys, inputs) rows: aggregate inputs become grouping columns
            context.partials().forEach(p -> groupBy.add(Nodes.withAlias(p, "")));
        }
        // workers group by every key once; the combine forms the grouping sets over the merged partials
        worker.setSelectList(list).setGroupBy(groupBy).setHaving(null).setQualify(null).setModifiers(List.of());
        return worker;
    }

    private SelectNode combineNode(List<ObjectNode> selectList, JsonNode having, JsonNode modifiers) {
        SelectNode combine = select.copy();
        combine.setSelectList(selectList);
        combine.setFrom(Nodes.baseTable(DistributedPlan.PARTIALS));
        if (!context.windows().isEmpty()) {
            ObjectNode derived = engine.parseSelect("SELECT * FROM (SELECT * FROM " + DistributedPlan.PARTIALS + ") AS __mallard_merged");
            ObjectNode from = (ObjectNode) derived.get("from_table");
            ((ObjectNode) from.path("subquery").path("node")).withArray("select_list").addAll(context.windows());
            combine.setFrom(from);
        }
        combine.setWhere(null);
        combine.setGroupExpressions(groupNames.stream().map(Nodes::columnRef).toList());
        combine.setHaving(having);
        combine.node().set("modifiers", modifiers);
        return combine;
    }
}
