package io.mallard.planner.ast;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * A typed view over DuckDB's JSON parse tree. Expressions are the objects with a {@code "class"} field; table
 * references are the objects whose {@code "type"} is a table reference type. The tree shape belongs to the pinned
 * DuckDB version; the golden tests catch a change.
 */
public final class Ast {
    private Ast() {
    }

    /** Whether an optional part of the tree is there: neither absent nor JSON null. */
    public static boolean isPresent(JsonNode node) {
        return node != null && !node.isNull() && !node.isMissingNode();
    }

    public static boolean isExpression(JsonNode node) {
        return node != null && node.isObject() && node.has("class");
    }

    public static String exprClass(JsonNode node) {
        return node.path("class").asText("");
    }

    public static String type(JsonNode node) {
        return node.path("type").asText("");
    }

    public static boolean isColumnRef(JsonNode node) {
        return "COLUMN_REF".equals(exprClass(node));
    }

    public static boolean isFunction(JsonNode node) {
        return "FUNCTION".equals(exprClass(node));
    }

    public static boolean isConstant(JsonNode node) {
        return "CONSTANT".equals(exprClass(node));
    }

    /** Lower-cased function name of a FUNCTION node. */
    public static String functionName(JsonNode node) {
        return node.path("function_name").asText("").toLowerCase(Locale.ROOT);
    }

    /** Argument expressions of a FUNCTION node. */
    public static List<ObjectNode> arguments(JsonNode function) {
        List<ObjectNode> out = new ArrayList<>();
        for (JsonNode argument : function.path("arguments")) {
            out.add((ObjectNode) argument.get("expression"));
        }
        return out;
    }

    /** The name parts of a COLUMN_REF ({@code [column]} or {@code [table, column]}). */
    public static List<String> columnNames(JsonNode columnRef) {
        List<String> names = new ArrayList<>();
        columnRef.path("column_names").forEach(n -> names.add(n.asText()));
        return names;
    }

    /** Visits every expression below (and including) {@code node}, parents before children. */
    public static void forEachExpression(JsonNode node, Consumer<ObjectNode> visitor) {
        if (node == null || node.isNull()) {
            return;
        }
        if (isExpression(node)) {
            visitor.accept((ObjectNode) node);
        }
        if (node.isObject()) {
            for (Iterator<JsonNode> it = node.elements(); it.hasNext();) {
                forEachExpression(it.next(), visitor);
            }
        } else if (node.isArray()) {
            node.forEach(child -> forEachExpression(child, visitor));
        }
    }

    /** Visits every expression below (and including) each of {@code nodes}, in order. */
    public static void forEachExpression(List<? extends JsonNode> nodes, Consumer<ObjectNode> visitor) {
        nodes.forEach(node -> forEachExpression(node, visitor));
    }

    /** Whether {@code node} is {@code tree} or anywhere inside it (the same object, not an equal one). */
    public static boolean contains(JsonNode tree, JsonNode node) {
        if (tree == node) {
            return true;
        }
        if (tree == null) {
            return false;
        }
        for (JsonNode child : tree) {
            if (contains(child, node)) {
                return true;
            }
        }
        return false;
    }

    /** Visits every object in the tree (expressions, table references, modifiers, nested queries). */
    public static void forEachObject(JsonNode node, Consumer<ObjectNode> visitor) {
        if (node == null || node.isNull()) {
            return;
        }
        if (node.isObject()) {
            visitor.accept((ObjectNode) node);
            node.elements().forEachRemaining(child -> forEachObject(child, visitor));
        } else if (node.isArray()) {
            node.forEach(child -> forEachObject(child, visitor));
        }
    }

    /**
     * Rewrites a tree top-down: where {@code replace} returns a node, that node takes the expression's place and is not
     * descended into; elsewhere the children are rewritten. The input is not modified.
     */
    public static JsonNode rewrite(JsonNode node, Function<ObjectNode, ObjectNode> replace) {
        if (node == null || node.isNull()) {
            return node;
        }
        if (isExpression(node)) {
            ObjectNode replacement = replace.apply((ObjectNode) node);
            if (replacement != null) {
                return replacement;
            }
        }
        if (node.isObject()) {
            ObjectNode copy = ((ObjectNode) node).objectNode();
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext();) {
                Map.Entry<String, JsonNode> field = it.next();
                copy.set(field.getKey(), rewrite(field.getValue(), replace));
            }
            return copy;
        }
        if (node.isArray()) {
            ArrayNode copy = ((ArrayNode) node).arrayNode();
            node.forEach(child -> copy.add(rewrite(child, replace)));
            return copy;
        }
        return node;
    }

    /** A copy without positions and aliases: two expressions that mean the same compare equal on this form. */
    public static JsonNode withoutPositions(JsonNode node) {
        JsonNode copy = node.deepCopy();
        forEachObject(copy, o -> {
            o.remove("query_location");
            o.remove("query_location_length");
            if (o.has("class")) {
                o.remove("alias");
            }
        });
        return copy;
    }
}
