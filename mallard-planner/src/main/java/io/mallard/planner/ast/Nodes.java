package io.mallard.planner.ast;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigInteger;
import java.util.List;

/** Builds the few expression and table nodes the planner creates, in the shape DuckDB's serializer writes them. */
public final class Nodes {
    /** DuckDB's "no location" marker (the maximum 64-bit unsigned value). */
    private static final BigInteger NO_LOCATION = new BigInteger("18446744073709551615");
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private Nodes() {
    }

    public static ObjectNode columnRef(String name) {
        ObjectNode n = expression("COLUMN_REF", "COLUMN_REF");
        n.putArray("column_names").add(name);
        return n;
    }

    public static ObjectNode function(String name, List<ObjectNode> arguments) {
        return function(name, arguments, false);
    }

    public static ObjectNode operator(String name, ObjectNode left, ObjectNode right) {
        return function(name, List.of(left, right), true);
    }

    private static ObjectNode function(String name, List<ObjectNode> arguments, boolean operator) {
        ObjectNode n = expression("FUNCTION", "FUNCTION");
        n.put("function_name", name);
        n.put("schema", "");
        n.putNull("filter");
        ObjectNode orders = n.putObject("order_bys");
        orders.put("type", "ORDER_MODIFIER");
        orders.putArray("orders");
        n.put("distinct", false);
        n.put("is_operator", operator);
        n.put("export_state", false);
        n.put("catalog", "");
        ArrayNode args = n.putArray("arguments");
        for (ObjectNode argument : arguments) {
            ObjectNode wrapper = args.addObject();
            wrapper.put("name", "");
            wrapper.set("expression", argument);
        }
        n.putObject("qualified_name").putArray("path").add(name);
        return n;
    }

    /** {@code left AND right}. */
    public static ObjectNode and(ObjectNode left, ObjectNode right) {
        ObjectNode n = expression("CONJUNCTION", "CONJUNCTION_AND");
        n.putArray("children").add(left).add(right);
        return n;
    }

    /** {@code left OR right}. */
    public static ObjectNode or(ObjectNode left, ObjectNode right) {
        ObjectNode n = expression("CONJUNCTION", "CONJUNCTION_OR");
        n.putArray("children").add(left).add(right);
        return n;
    }

    /** A cast to a type node taken from a parsed {@code CAST(NULL AS type)}. */
    public static ObjectNode cast(ObjectNode child, ObjectNode typeExpression) {
        ObjectNode n = expression("CAST", "OPERATOR_CAST");
        n.set("child", child);
        n.put("try_cast", false);
        n.set("type_expr", typeExpression.deepCopy());
        return n;
    }

    public static ObjectNode withAlias(ObjectNode expression, String alias) {
        ObjectNode copy = expression.deepCopy();
        copy.put("alias", alias);
        return copy;
    }

    /** A string constant. */
    public static ObjectNode string(String text) {
        ObjectNode n = expression("CONSTANT", "VALUE_CONSTANT");
        ObjectNode literal = n.putObject("literal");
        literal.put("kind", "STRING");
        literal.put("text", text);
        return n;
    }

    /** {@code list_value(elements…)}, DuckDB's {@code [a, b, …]}. */
    public static ObjectNode list(List<ObjectNode> elements) {
        return function("list_value", elements);
    }

    /** A table function in FROM, {@code name(arguments) AS alias}; {@code alias} may be "". */
    public static ObjectNode tableFunction(String name, List<ObjectNode> arguments, String alias) {
        ObjectNode n = F.objectNode();
        n.put("type", "TABLE_FUNCTION");
        n.put("alias", alias);
        n.putNull("sample");
        n.put("query_location", NO_LOCATION);
        n.put("query_location_length", 0);
        n.set("function", function(name, arguments));
        n.putArray("column_name_alias");
        n.put("with_ordinality", "WITHOUT_ORDINALITY");
        return n;
    }

    public static ObjectNode baseTable(String name) {
        ObjectNode n = F.objectNode();
        n.put("type", "BASE_TABLE");
        n.put("alias", "");
        n.putNull("sample");
        n.put("query_location", NO_LOCATION);
        n.put("query_location_length", 0);
        n.put("schema_name", "");
        n.put("table_name", name);
        n.putArray("column_name_alias");
        n.put("catalog_name", "");
        n.putNull("at_clause");
        n.putObject("qualified_name").putArray("path").add(name);
        return n;
    }

    private static ObjectNode expression(String cls, String type) {
        ObjectNode n = F.objectNode();
        n.put("class", cls);
        n.put("type", type);
        n.put("alias", "");
        n.put("query_location", NO_LOCATION);
        n.put("query_location_length", 0);
        return n;
    }
}
