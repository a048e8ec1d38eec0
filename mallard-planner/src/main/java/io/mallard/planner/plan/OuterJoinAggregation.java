package io.mallard.planner.plan;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mallard.planner.ast.Ast;
import io.mallard.planner.ast.ColumnEquality;
import io.mallard.planner.ast.ColumnKey;
import io.mallard.planner.ast.ColumnRef;
import io.mallard.planner.ast.Conjuncts;
import io.mallard.planner.ast.FunctionCall;
import io.mallard.planner.ast.Nodes;
import io.mallard.planner.ast.SelectNode;
import io.mallard.planner.ast.TableRef;
import io.mallard.planner.catalog.Catalog;
import io.mallard.planner.catalog.TableKind;
import io.mallard.planner.sql.SqlEngine;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Aggregates of a partitioned table over an outer join that preserves a dimension (rule 11 of "Table roles decide
 * correctness" in docs/planner.md). In a SELECT whose FROM is {@code D LEFT JOIN T ON D.k = T.c [AND filters on T]},
 * with D a table the coordinator holds whole and T partitioned and read once in the statement, where every column of T
 * appears only inside {@code count}, {@code min} or {@code max} (plain, over T's columns alone) and no other aggregate
 * counts the join's rows, each row of D meets exactly the rows of T with {@code c = D.k}. So the workers may ship those aggregates per value of
 * {@code c} instead of T's rows, and the coordinator joins D with their merge: at most one row per {@code c}, carrying
 * the aggregate of all of that key's rows. {@code count(x)} becomes {@code coalesce(sum(n), 0)}, since a row of D
 * without partner counts 0; {@code min} and {@code max} stay NULL there, as before. TPC-H Q13 ships one
 * row per customer and shard instead of one per order.
 */
final class OuterJoinAggregation {
    /**
     * Aggregates whose per-key results combine exactly and keep their type through the workers' Arrow answers (an
     * integer sum is a HUGEINT there, sent as such: DuckArrow.LOSSLESS).
     */
    private static final Set<String> SUPPORTED = Set.of("count", "min", "max", "sum");

    private OuterJoinAggregation() {
    }

    /** The workers' grouped scan of T and the statement with the merged groups in T's place. */
    record Rewrite(String table, String binding, String key, List<ObjectNode> partials, ObjectNode statement) {
    }

    /** Finds the first SELECT of the statement the rule applies to, if any. */
    static Optional<Rewrite> find(ObjectNode statement, Catalog catalog, Map<String, Integer> occurrences, SqlEngine engine) {
        List<ObjectNode> selects = new ArrayList<>();
        Ast.forEachObject(statement, o -> {
            if ("SELECT_NODE".equals(Ast.type(o))) {
                selects.add(o);
            }
        });
        for (ObjectNode select : selects) {
            Optional<Rewrite> r = rewrite(statement, select, catalog, occurrences, engine);
            if (r.isPresent()) {
                return r;
            }
        }
        return Optional.empty();
    }

    private static Optional<Rewrite> rewrite(ObjectNode statement, ObjectNode selectNode, Catalog catalog,
            Map<String, Integer> occurrences, SqlEngine engine) {
        SelectNode select = new SelectNode(selectNode);
        TableRef from = select.from();
        if (select.samples() || !from.isJoin() || !"LEFT".equals(from.joinType()) || !"REGULAR".equals(from.refType())
                || !from.usingColumns().isEmpty() || !from.left().isBaseTable() || !from.right().isBaseTable()
                || select.hasGroupingSets()) {
            return Optional.empty();
        }
        Attempt<TableBindings> bound = TableBindings.ofJoinTree(from, catalog);
        if (!bound.succeeded()) {
            return Optional.empty();
        }
        TableBindings bindings = bound.value();
        TableBindings.Binding dimension = bindings.bindings().get(0);
        TableBindings.Binding fact = bindings.bindings().get(1);
        if (dimension.table().kind() == TableKind.PARTITIONED || fact.table().kind() != TableKind.PARTITIONED
                || occurrences.getOrDefault(fact.table().name(), 0) != 1) {
            return Optional.empty();
        }
        // ON: one equality D.k = T.c; anything else must be TRUE (a filter on T the workers apply)
        String key = null;
        for (JsonNode conjunct : Conjuncts.of(from.node().get("condition"))) {
            if (Conjuncts.isTrue(conjunct)) {
                continue;
            }
            Optional<String> c = factKey(conjunct, bindings, dimension, fact);
            if (c.isEmpty() || key != null) {
                return Optional.empty();
            }
            key = c.get();
        }
        if (key == null) {
            return Optional.empty();
        }
        // every column of T sits in a supported aggregate; collect them
        List<JsonNode> aggregates = new ArrayList<>();
        if (!factOnlyInAggregates(selectNode, bindings, fact, engine, aggregates)) {
            return Optional.empty();
        }
        List<ObjectNode> partials = new ArrayList<>();
        Map<JsonNode, ObjectNode> replacements = new IdentityHashMap<>();
        for (JsonNode aggregate : aggregates) {
            String name = Ast.functionName(aggregate).toLowerCase(Locale.ROOT);
            String alias = "__mallard_a" + partials.size();
            partials.add(Nodes.withAlias(Nodes.function(name, List.of(Ast.arguments(aggregate).get(0).deepCopy())),
                    alias));
            String column = quote(fact.name()) + "." + quote(alias);
            String combined = name.equals("count") ? "CAST(coalesce(sum(" + column + "), 0) AS BIGINT)" : name + "(" + column + ")";
            ObjectNode node = (ObjectNode) engine.parseSelect("SELECT " + combined + " FROM " + DistributedPlan.PARTIALS)
                    .path("select_list").get(0);
            node.put("alias", aggregate.path("alias").asText(""));
            replacements.put(aggregate, node);
        }
        // T in the join becomes the merge of the workers' groups, under T's binding name
        StringBuilder merge = new StringBuilder("SELECT 1 FROM (SELECT " + quote(key));
        for (ObjectNode partial : partials) {
            String alias = partial.path("alias").asText();
            String fn = Ast.functionName(partial).toLowerCase(Locale.ROOT);
            String outer = fn.equals("count") ? "sum" : fn;
            merge.append(", ").append(outer).append('(').append(quote(alias)).append(") AS ").append(quote(alias));
        }
        merge.append(" FROM ").append(quote(fact.table().name())).append(" GROUP BY ").append(quote(key)).append(") AS ")
                .append(quote(fact.name()));
        ObjectNode merged = (ObjectNode) engine.parseSelect(merge.toString()).get("from_table");
        // the answer's columns keep the names DuckDB gave them: an unaliased select item that holds a rewritten
        // aggregate is named after its original text
        List<String> names = new ArrayList<>();
        for (ObjectNode item : select.selectList()) {
            boolean[] holds = {false};
            Ast.forEachExpression(item, e -> holds[0] |= replacements.containsKey(e));
            names.add(holds[0] && item.path("alias").asText("").isEmpty() ? columnName(item, engine) : null);
        }
        ObjectNode rewritten = (ObjectNode) Ast.rewrite(statement, e -> replacements.get(e));
        // table references are not expressions: change them in the copy, found by their place
        SelectNode rewrittenSelect = new SelectNode((ObjectNode) counterpart(rewritten, statement, selectNode));
        rewrittenSelect.from().node().set("right", merged);
        List<ObjectNode> items = rewrittenSelect.selectList();
        for (int i = 0; i < names.size(); i++) {
            if (names.get(i) != null) {
                items.get(i).put("alias", names.get(i));
            }
        }
        return Optional.of(new Rewrite(fact.table().name(), fact.name(), key, partials, rewritten));
    }

    /** The name DuckDB gives an unaliased select-list expression: its text, as DuckDB renders it. */
    private static String columnName(JsonNode expression, SqlEngine engine) {
        ObjectNode probe = engine.parseSelect("SELECT 1 FROM " + DistributedPlan.PARTIALS);
        probe.putArray("select_list").add(expression.deepCopy());
        String text = engine.render(probe);
        return text.substring("SELECT ".length(), text.lastIndexOf(" FROM "));
    }

    /** The node of {@code copy} that sits where {@code target} sits in {@code original} (a copy of the same shape). */
    private static JsonNode counterpart(JsonNode copy, JsonNode original, JsonNode target) {
        if (original == target) {
            return copy;
        }
        if (original.isObject()) {
            for (java.util.Iterator<Map.Entry<String, JsonNode>> it = original.fields(); it.hasNext();) {
                Map.Entry<String, JsonNode> field = it.next();
                JsonNode found = copy.has(field.getKey()) ? counterpart(copy.get(field.getKey()), field.getValue(), target) : null;
                if (found != null) {
                    return found;
                }
            }
        } else if (original.isArray()) {
            for (int i = 0; i < original.size() && i < copy.size(); i++) {
                JsonNode found = counterpart(copy.get(i), original.get(i), target);
                if (found != null) {
                    return found;
                }
            }
        }
        return null;
    }

    /** T's column c when the conjunct is {@code D.k = T.c} either way round. */
    private static Optional<String> factKey(JsonNode conjunct, TableBindings bindings, TableBindings.Binding dimension,
            TableBindings.Binding fact) {
        Optional<ColumnEquality> equality = ColumnEquality.of(conjunct);
        if (equality.isEmpty()) {
            return Optional.empty();
        }
        Optional<ColumnKey> left = bindings.resolve(equality.get().left());
        Optional<ColumnKey> right = bindings.resolve(equality.get().right());
        if (left.isEmpty() || right.isEmpty()) {
            return Optional.empty();
        }
        for (List<ColumnKey> pair : List.of(List.of(left.get(), right.get()), List.of(right.get(), left.get()))) {
            if (pair.get(0).belongsTo(dimension.name()) && pair.get(1).belongsTo(fact.name())) {
                return Optional.of(pair.get(1).column());
            }
        }
        return Optional.empty();
    }

    /**
     * Whether every reference to T's columns in the SELECT (outside its FROM) is inside a plain supported aggregate
     * whose argument reads T alone, and every aggregate of the SELECT is such a one (any other, {@code count(*)} or
     * {@code sum(D.x)}, would count D's rows once per partner); adds those aggregates to {@code out}, in tree order.
     * Sub-queries and {@code *} in the SELECT make it decline.
     */
    private static boolean factOnlyInAggregates(ObjectNode select, TableBindings bindings, TableBindings.Binding fact,
            SqlEngine engine, List<JsonNode> out) {
        boolean[] ok = {true};
        ObjectNode rest = select.deepCopy();
        rest.remove("from_table");
        Ast.forEachObject(rest, o -> {
            String cls = Ast.exprClass(o);
            if ("SUBQUERY".equals(cls) || "STAR".equals(cls) || "COLUMNS".equals(cls)
                    || "SELECT_NODE".equals(Ast.type(o)) && o != rest) {
                ok[0] = false; // a * may name T's columns outside any aggregate
            }
        });
        if (!ok[0]) {
            return false;
        }
        Set<JsonNode> inside = Collections.newSetFromMap(new IdentityHashMap<>());
        for (String field : List.of("select_list", "group_expressions", "having", "qualify", "where_clause", "modifiers")) {
            Ast.forEachExpression(select.get(field), e -> {
                if (!Ast.isFunction(e) || inside.contains(e)) {
                    return;
                }
                String name = Ast.functionName(e).toLowerCase(Locale.ROOT);
                if (!engine.aggregateFunctions().contains(name) && !name.equals("count_star")) {
                    return;
                }
                if (!SUPPORTED.contains(name) || !plainAggregate(new FunctionCall(e), bindings, fact)) {
                    ok[0] = false;
                    return;
                }
                out.add(e);
                Ast.forEachExpression(e, inside::add);
            });
            Ast.forEachExpression(select.get(field), e -> ColumnRef.of(e).filter(column -> !inside.contains(e))
                    .ifPresent(column -> {
                        Optional<ColumnKey> key = bindings.resolve(column);
                        if (key.isEmpty() || key.get().belongsTo(fact.name())) {
                            ok[0] = false; // T outside an aggregate, or a name we cannot place
                        }
                    }));
        }
        return ok[0] && !out.isEmpty();
    }

    /**
     * No DISTINCT, FILTER or ORDER BY in the aggregate, and one argument that reads T alone: the workers' groups then
     * combine exactly.
     */
    private static boolean plainAggregate(FunctionCall aggregate, TableBindings bindings, TableBindings.Binding fact) {
        List<ObjectNode> arguments = aggregate.arguments();
        return !aggregate.isDistinct() && aggregate.filter().isEmpty() && !aggregate.isOrdered() && arguments.size() == 1
                && PlainPredicate.readsOnly(arguments.get(0), bindings, fact.name());
    }

    private static String quote(String identifier) {
        return '"' + identifier.replace("\"", "\"\"") + '"';
    }

    /** The workers' SQL: {@code SELECT c, partials FROM T AS binding WHERE filters GROUP BY c}, on a scan node. */
    static ObjectNode groupedScan(ObjectNode scan, Rewrite rewrite, SqlEngine engine) {
        ObjectNode node = scan.deepCopy();
        if (!rewrite.binding().equalsIgnoreCase(rewrite.table())) {
            ((ObjectNode) node.get("from_table")).put("alias", rewrite.binding()); // the partials may name it
        }
        ArrayNode list = node.putArray("select_list");
        list.add(Nodes.columnRef(rewrite.key()));
        rewrite.partials().forEach(p -> list.add(p.deepCopy()));
        ObjectNode template = engine.parseSelect("SELECT 1 FROM " + DistributedPlan.PARTIALS + " GROUP BY __mallard_k");
        ArrayNode groups = node.putArray("group_expressions");
        groups.add(Nodes.columnRef(rewrite.key()));
        node.set("group_sets", template.get("group_sets").deepCopy());
        return node;
    }
}
