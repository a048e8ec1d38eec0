package io.mallard.planner.ast;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Optional;

/** A conjunct {@code a = b} between two column references, the shape joins and correlations are made of. */
public record ColumnEquality(ColumnRef left, ColumnRef right) {
    /** The equality {@code conjunct} is, if it compares two column references. */
    public static Optional<ColumnEquality> of(JsonNode conjunct) {
        if (!"COMPARE_EQUAL".equals(Ast.type(conjunct))) {
            return Optional.empty();
        }
        Optional<ColumnRef> left = ColumnRef.of(conjunct.get("left"));
        Optional<ColumnRef> right = ColumnRef.of(conjunct.get("right"));
        return left.isPresent() && right.isPresent() ? Optional.of(new ColumnEquality(left.get(), right.get())) : Optional.empty();
    }
}
