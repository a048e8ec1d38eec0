package io.mallard.planner.ast;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/**
 * A common table expression of a query node's {@code WITH}: its name and the holder of its body ({@code query_node}).
 * A CTE's name is visible in the rest of its query and in the CTEs defined after it, not in its own body.
 */
public record Cte(String name, ObjectNode holder) {
    /** The CTEs of a query node (SELECT or set operation), in order; none when it has no WITH. */
    public static List<Cte> of(JsonNode queryNode) {
        List<Cte> out = new ArrayList<>();
        if (queryNode != null) {
            for (JsonNode entry : queryNode.path("cte_map").path("map")) {
                out.add(new Cte(entry.path("key").asText(), (ObjectNode) entry.get("value")));
            }
        }
        return out;
    }

    /** The CTE's body. */
    public JsonNode query() {
        return holder.get("query_node");
    }
}
