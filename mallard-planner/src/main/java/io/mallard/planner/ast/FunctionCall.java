package io.mallard.planner.ast;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Optional;

/** A function call ({@code class FUNCTION}): an operator, a scalar function or an aggregate. */
public record FunctionCall(ObjectNode node) {
    public static Optional<FunctionCall> of(JsonNode node) {
        return Ast.isFunction(node) ? Optional.of(new FunctionCall((ObjectNode) node)) : Optional.empty();
    }

    /** The name, lower case. */
    public String name() {
        return Ast.functionName(node);
    }

    public List<ObjectNode> arguments() {
        return Ast.arguments(node);
    }

    /** {@code f(DISTINCT …)}. */
    public boolean isDistinct() {
        return node.path("distinct").asBoolean(false);
    }

    /** The {@code FILTER (WHERE …)} condition, if any. */
    public Optional<ObjectNode> filter() {
        JsonNode filter = node.get("filter");
        return Ast.isPresent(filter) ? Optional.of((ObjectNode) filter) : Optional.empty();
    }

    /** Whether the call orders its input ({@code string_agg(x ORDER BY y)}). */
    public boolean isOrdered() {
        return node.path("order_bys").path("orders").size() > 0;
    }

    /** The alias it carries in a select list, or "". */
    public String alias() {
        return node.path("alias").asText("");
    }
}
