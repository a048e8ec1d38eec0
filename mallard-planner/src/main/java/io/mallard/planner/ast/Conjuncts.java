package io.mallard.planner.ast;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/** The top-level AND conjuncts of a predicate, and predicates built from conjuncts. */
public final class Conjuncts {
    private Conjuncts() {
    }

    /** The conjuncts of {@code predicate}, nested ANDs flattened, in order; none for an absent predicate. */
    public static List<JsonNode> of(JsonNode predicate) {
        List<JsonNode> out = new ArrayList<>();
        if (Ast.isPresent(predicate)) {
            collect(predicate, out);
        }
        return out;
    }

    private static void collect(JsonNode predicate, List<JsonNode> out) {
        if ("CONJUNCTION_AND".equals(Ast.type(predicate))) {
            predicate.path("children").forEach(child -> collect(child, out));
        } else {
            out.add(predicate);
        }
    }

    /** {@code c1 AND c2 AND …} over copies of the conjuncts, left-deep; null for none. */
    public static ObjectNode and(List<? extends JsonNode> conjuncts) {
        ObjectNode out = null;
        for (JsonNode conjunct : conjuncts) {
            ObjectNode copy = conjunct.deepCopy();
            out = out == null ? copy : Nodes.and(out, copy);
        }
        return out;
    }

    /** Whether the conjunct is the constant {@code TRUE}. */
    public static boolean isTrue(JsonNode conjunct) {
        JsonNode literal = conjunct.path("literal");
        return Ast.isConstant(conjunct) && "BOOLEAN".equals(literal.path("kind").asText())
                && "true".equalsIgnoreCase(literal.path("text").asText());
    }
}
