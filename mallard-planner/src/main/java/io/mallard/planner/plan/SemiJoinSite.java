package io.mallard.planner.plan;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mallard.planner.ast.Ast;
import io.mallard.planner.ast.SelectNode;
import io.mallard.planner.ast.SubqueryExpression;
import io.mallard.planner.sql.SqlEngine;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where a SELECT of a statement sits, for the semi-join reduction: the SELECT with, when it is a sub-query in the
 * WHERE of another SELECT, that SELECT and the sub-query's kind ({@code EXISTS}, {@code NOT_EXISTS}, {@code ANY},
 * {@code SCALAR}).
 *
 * @param select       a SELECT of the statement
 * @param parent       the SELECT whose WHERE holds it through a sub-query expression, or null
 * @param subqueryType that sub-query's kind, or null
 */
record SemiJoinSite(SelectNode select, SelectNode parent, String subqueryType) {
    /** Every SELECT of the statement, parents before children. */
    static List<SemiJoinSite> all(ObjectNode statement) {
        List<SemiJoinSite> sites = new ArrayList<>();
        walk(statement, null, null, false, sites);
        return sites;
    }

    private static void walk(JsonNode node, ObjectNode parent, String subqueryType, boolean inParentWhere,
            List<SemiJoinSite> sites) {
        if (node == null || !node.isContainerNode()) {
            return;
        }
        if (node.isArray()) {
            node.forEach(child -> walk(child, parent, subqueryType, inParentWhere, sites));
            return;
        }
        ObjectNode object = (ObjectNode) node;
        if (SelectNode.isSelect(object)) {
            sites.add(new SemiJoinSite(new SelectNode(object), inParentWhere ? new SelectNode(parent) : null,
                    inParentWhere ? subqueryType : null));
            for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext();) {
                Map.Entry<String, JsonNode> field = it.next();
                walk(field.getValue(), object, null, field.getKey().equals("where_clause"), sites);
            }
            return;
        }
        Optional<SubqueryExpression> subquery = SubqueryExpression.of(object);
        if (subquery.isPresent()) {
            object.fields().forEachRemaining(field -> walk(field.getValue(), parent, subquery.get().kind(), inParentWhere, sites));
            return;
        }
        if (object.has("cte_map") || "SET_OPERATION_NODE".equals(Ast.type(object)) || "SUBQUERY".equals(Ast.type(object))) {
            // CTE bodies, set-operation branches and sub-queries in FROM are not evaluated per outer row
            object.fields().forEachRemaining(field -> walk(field.getValue(), null, null, false, sites));
            return;
        }
        object.fields().forEachRemaining(field -> walk(field.getValue(), parent, subqueryType, inParentWhere, sites));
    }

    /**
     * Whether the site's sub-query sees, for each outer row, the same rows whatever the cut: it tests existence, or is
     * a scalar aggregate without GROUP BY (one row whatever it reads, and no window to see other rows).
     */
    boolean oneRowOrExistence(SqlEngine engine) {
        if ("EXISTS".equals(subqueryType) || "NOT_EXISTS".equals(subqueryType)) {
            return true;
        }
        if (!"SCALAR".equals(subqueryType) || select.isGrouped() || select.selectList().size() != 1) {
            return false;
        }
        boolean[] aggregate = {false};
        boolean[] window = {false};
        Ast.forEachExpression(select.selectList(), e -> {
            if (Ast.isFunction(e) && engine.aggregateFunctions().contains(Ast.functionName(e))) {
                aggregate[0] = true;
            }
            window[0] |= "WINDOW".equals(Ast.exprClass(e));
        });
        return aggregate[0] && !window[0];
    }
}
