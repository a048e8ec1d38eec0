package io.mallard.planner.plan;

import com.fasterxml.jackson.databind.JsonNode;
import io.mallard.planner.ast.ColumnKey;
import io.mallard.planner.catalog.TableInfo;
import io.mallard.planner.catalog.TableKind;
import io.mallard.planner.plan.TableBindings.Binding;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Decides whether an inner-join query can run shard by shard and give, united, the single-node answer:
 * partitioned tables must be co-partitioned and joined on their shard keys, and every dimension table must be joined
 * on the key through which the shard's partitioned rows reference it (a shard holds exactly those dimension rows).
 * Replicated tables are complete everywhere.
 */
final class ShardPlacementCheck {
    private ShardPlacementCheck() {
    }

    /** The dataset whose shards answer the query, or a refusal naming what breaks shard-locality (located at {@code at}). */
    static Attempt<String> check(TableBindings bindings, JsonNode where, JsonNode at) {
        List<Binding> partitioned = bindings.bindings().stream()
                .filter(b -> b.table().kind() == TableKind.PARTITIONED).toList();
        // every shard holds the replicated tables, and a dimension table's rows follow its references (checked below);
        // partitioned tables meet on a shard only when they are split the same way (one dataset)
        Set<String> datasets = partitioned.stream()
                .map(b -> b.table().dataset()).collect(Collectors.toCollection(TreeSet::new));
        if (partitioned.isEmpty()) {
            // dimension rows on shards overlap and are incomplete: such a FROM clause is answered from full copies
            return Attempt.refused(Refusal.because("a FROM clause without a partitioned table (sub-queries read them)", at));
        }
        if (datasets.size() > 1) {
            return Attempt.refused(Refusal.because("joins across datasets " + datasets, at));
        }
        JoinEquivalence equal = JoinEquivalence.of(bindings, where);
        if (partitioned.size() > 1) {
            List<ColumnKey> keys = new ArrayList<>();
            for (Binding b : partitioned) {
                if (b.table().shardKey().size() != 1) {
                    return Attempt.refused(Refusal.because(
                            "joining " + b.table().name() + ", which is not partitioned on a key", at));
                }
                keys.add(new ColumnKey(b.name(), b.table().shardKey().get(0)));
            }
            if (!equal.allSame(keys)) {
                return Attempt.refused(Refusal.because("joins between partitioned tables that do not equate their shard keys ("
                        + partitioned.stream().map(b -> b.name() + "." + b.table().shardKey().get(0))
                                .collect(Collectors.joining(", ")) + ")", at));
            }
        }
        for (Binding d : bindings.bindings()) {
            if (d.table().kind() == TableKind.DIMENSION && !joinedOnReference(d, partitioned, equal)) {
                return Attempt.refused(Refusal.because("dimension table " + d.table().name()
                        + " must be inner-joined on the key its partitioned rows reference (" + describe(d.table())
                        + "): shards hold only the referenced rows", at));
            }
        }
        return Attempt.success(datasets.iterator().next());
    }

    private static boolean joinedOnReference(Binding dimension, List<Binding> partitioned, JoinEquivalence equal) {
        for (TableInfo.Reference ref : dimension.table().references()) {
            for (Binding fact : partitioned) {
                if (!fact.table().name().equalsIgnoreCase(ref.fromTable())) {
                    continue;
                }
                boolean all = true;
                for (int i = 0; i < ref.fromColumns().size() && all; i++) {
                    all = equal.same(new ColumnKey(fact.name(), ref.fromColumns().get(i)),
                            new ColumnKey(dimension.name(), ref.toColumns().get(i)));
                }
                if (all) {
                    return true;
                }
            }
        }
        return false;
    }

    private static String describe(TableInfo dimension) {
        return dimension.references().stream()
                .map(r -> r.fromTable() + "(" + String.join(", ", r.fromColumns()) + ") = "
                        + dimension.name() + "(" + String.join(", ", r.toColumns()) + ")")
                .collect(Collectors.joining(" or "));
    }
}
