package io.mallard.planner.ast;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Optional;

/**
 * A sub-query used as an expression ({@code class SUBQUERY}): {@code EXISTS}, {@code NOT_EXISTS}, {@code ANY}
 * ({@code x IN (…)}, {@code x = ANY (…)}) or {@code SCALAR}.
 */
public record SubqueryExpression(ObjectNode node) {
    public static Optional<SubqueryExpression> of(JsonNode node) {
        return "SUBQUERY".equals(Ast.exprClass(node)) ? Optional.of(new SubqueryExpression((ObjectNode) node)) : Optional.empty();
    }

    /** {@code EXISTS}, {@code NOT_EXISTS}, {@code ANY} or {@code SCALAR}. */
    public String kind() {
        return node.path("subquery_type").asText("");
    }

    /** Whether it asks only whether rows exist: {@code EXISTS} or {@code NOT EXISTS}. */
    public boolean isExists() {
        return kind().equals("EXISTS") || kind().equals("NOT_EXISTS");
    }

    /** The query inside. */
    public JsonNode query() {
        return node.path("subquery").path("node");
    }

    /** The query inside, if it is a plain SELECT. */
    public Optional<SelectNode> select() {
        return SelectNode.of(query());
    }

    /** For {@code ANY}: the expression compared with the sub-query's rows ({@code child IN (…)}). */
    public JsonNode child() {
        return node.get("child");
    }

    /** For {@code ANY}: the comparison, {@code COMPARE_EQUAL} for {@code IN}. */
    public String comparison() {
        return node.path("comparison_type").asText();
    }
}
