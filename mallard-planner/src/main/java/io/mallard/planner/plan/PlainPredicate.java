package io.mallard.planner.plan;

import com.fasterxml.jackson.databind.JsonNode;
import io.mallard.planner.ast.Ast;
import io.mallard.planner.ast.ColumnKey;
import io.mallard.planner.ast.ColumnRef;
import java.util.HashSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Predicates that may be evaluated once more, on the workers, without changing the answer: no sub-query, window or
 * volatile function ({@code random()}, {@code uuid()}, {@code nextval}: evaluated twice it would filter twice).
 */
final class PlainPredicate {
    private static final Set<String> VOLATILE = Set.of("random", "uuid", "gen_random_uuid", "setseed");

    private PlainPredicate() {
    }

    /** The one binding every column of the predicate resolves to, if the predicate is plain and reads one table. */
    static Optional<TableBindings.Binding> singleBinding(JsonNode predicate, TableBindings bindings) {
        Set<String> owners = new HashSet<>();
        boolean[] plain = {true};
        Ast.forEachExpression(predicate, e -> {
            String cls = Ast.exprClass(e);
            if ("SUBQUERY".equals(cls) || "WINDOW".equals(cls) || "FUNCTION".equals(cls) && isVolatile(Ast.functionName(e))) {
                plain[0] = false;
            }
            ColumnRef.of(e).ifPresent(column -> {
                Optional<ColumnKey> key = bindings.resolve(column);
                if (key.isEmpty()) {
                    plain[0] = false;
                } else {
                    owners.add(key.get().binding());
                }
            });
        });
        if (!plain[0] || owners.size() != 1) {
            return Optional.empty();
        }
        return bindings.binding(owners.iterator().next());
    }

    /** Whether the predicate is plain and reads exactly the binding {@code name}. */
    static boolean readsOnly(JsonNode predicate, TableBindings bindings, String name) {
        return singleBinding(predicate, bindings).filter(b -> b.name().equalsIgnoreCase(name)).isPresent();
    }

    private static boolean isVolatile(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        return lower.startsWith("nextval") || VOLATILE.contains(lower);
    }
}
