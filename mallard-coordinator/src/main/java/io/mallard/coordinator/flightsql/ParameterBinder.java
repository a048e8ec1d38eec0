package io.mallard.coordinator.flightsql;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mallard.common.ErrorCode;
import io.mallard.common.Json;
import io.mallard.common.MallardException;
import io.mallard.common.duck.DuckErrors;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.duckdb.DuckDBConnection;

/**
 * Binds prepared-statement parameters by rewriting DuckDB's parse tree, never the SQL text: every {@code ?} / {@code $n}
 * node becomes a constant node holding the value (cast to the type DuckDB inferred for the parameter), and DuckDB
 * renders the tree back to SQL with its own quoting. A value can therefore never become SQL syntax. The planner then
 * plans the bound statement like any other.
 */
final class ParameterBinder {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final DuckDBConnection scratch;
    private final Map<String, JsonNode> typeNodes = new ConcurrentHashMap<>();

    ParameterBinder(DuckDBConnection scratch) {
        this.scratch = scratch;
    }

    /**
     * @param values one value per parameter, in order ($1 first): Long, BigDecimal, Double, String, Boolean, LocalDate,
     *               LocalDateTime, LocalTime, byte[] or null
     * @param types  the DuckDB type DuckDB inferred for each parameter ("INVALID" when it could not)
     */
    String bind(String sql, List<Object> values, List<String> types) {
        JsonNode parsed = Json.tree(query("SELECT json_serialize_sql(?::VARCHAR)", sql));
        if (parsed.path("error").asBoolean(false)) {
            throw new MallardException(ErrorCode.UNSUPPORTED_STATEMENT, "only SELECT statements take parameters: "
                    + parsed.path("error_message").asText(""));
        }
        ObjectNode envelope = (ObjectNode) parsed;
        if (envelope.path("statements").size() != 1) {
            throw new MallardException(ErrorCode.UNSUPPORTED_STATEMENT, "send one statement at a time");
        }
        ObjectNode statement = (ObjectNode) envelope.path("statements").get(0);
        JsonNode node = replace(statement.get("node"), values, types);
        statement.set("node", node);
        statement.putArray("named_param_map");
        return query("SELECT json_deserialize_sql(?::JSON)", Json.toText(envelope));
    }

    private JsonNode replace(JsonNode node, List<Object> values, List<String> types) {
        if (node.isObject() && "PARAMETER".equals(node.path("class").asText())) {
            int index = parameterIndex(node.path("identifier").asText(""));
            if (index < 1 || index > values.size()) {
                throw new MallardException(ErrorCode.INVALID_ARGUMENT, "the statement has parameter " + index + " but "
                        + values.size() + " value(s) were bound");
            }
            return constant(values.get(index - 1), index <= types.size() ? types.get(index - 1) : "INVALID");
        }
        if (node.isObject()) {
            ObjectNode object = (ObjectNode) node;
            for (var it = object.fields(); it.hasNext();) {
                Map.Entry<String, JsonNode> field = it.next();
                field.setValue(replace(field.getValue(), values, types));
            }
        } else if (node.isArray()) {
            ArrayNode array = (ArrayNode) node;
            for (int i = 0; i < array.size(); i++) {
                array.set(i, replace(array.get(i), values, types));
            }
        }
        return node;
    }

    /** {@code ?} carries its position as identifier in DuckDB's tree; {@code $n} carries n. */
    private static int parameterIndex(String identifier) {
        try {
            return Integer.parseInt(identifier);
        } catch (NumberFormatException e) {
            throw new MallardException(ErrorCode.UNSUPPORTED_STATEMENT, "named parameters ($" + identifier
                    + ") are not supported; use ? or $1, $2, …");
        }
    }

    private JsonNode constant(Object value, String duckType) {
        boolean known = duckType != null && !duckType.isEmpty() && !duckType.equals("INVALID") && !duckType.equals("UNKNOWN");
        if (value == null) {
            ObjectNode literal = literal("NULL_LITERAL", "");
            return known ? cast(literal, duckType) : literal;
        }
        if (known) {
            // the parameter's type is known: its value's text, cast by DuckDB (exact for decimals, no float detour)
            return cast(literal("STRING", text(value)), duckType);
        }
        if (value instanceof Boolean b) {
            return literal("BOOLEAN", b.toString());
        }
        if (value instanceof Long || value instanceof Integer || value instanceof Short || value instanceof Byte
                || value instanceof BigInteger) {
            return literal("INTEGER", value.toString());
        }
        if (value instanceof BigDecimal d) {
            return literal("NUMERIC", d.toPlainString());
        }
        String castTo = value instanceof Double || value instanceof Float ? "DOUBLE"
                : value instanceof LocalDate ? "DATE"
                : value instanceof LocalDateTime ? "TIMESTAMP"
                : value instanceof LocalTime ? "TIME"
                : value instanceof byte[] ? "BLOB" : null;
        ObjectNode literal = literal("STRING", text(value));
        return castTo == null ? literal : cast(literal, castTo);
    }

    /** A value as the text DuckDB casts from. */
    private static String text(Object value) {
        if (value instanceof Double d && Double.isFinite(d)) {
            return BigDecimal.valueOf(d).toPlainString(); // the shortest decimal that reads back as this double
        }
        if (value instanceof Float f && Float.isFinite(f)) {
            return new BigDecimal(Float.toString(f)).toPlainString();
        }
        if (value instanceof BigDecimal d) {
            return d.toPlainString();
        }
        if (value instanceof byte[] bytes) {
            StringBuilder escaped = new StringBuilder();
            for (byte b : bytes) {
                escaped.append("\\x").append(HexFormat.of().toHexDigits(b));
            }
            return escaped.toString();
        }
        return value.toString();
    }

    private static ObjectNode literal(String kind, String text) {
        ObjectNode node = NODES.objectNode();
        node.put("class", "CONSTANT");
        node.put("type", "VALUE_CONSTANT");
        node.put("alias", "");
        node.put("query_location", 0);
        node.put("query_location_length", 0);
        ObjectNode literal = node.putObject("literal");
        literal.put("kind", kind);
        literal.put("text", text);
        return node;
    }

    private JsonNode cast(JsonNode child, String duckType) {
        ObjectNode node = NODES.objectNode();
        node.put("class", "CAST");
        node.put("type", "OPERATOR_CAST");
        node.put("alias", "");
        node.put("query_location", 0);
        node.put("query_location_length", 0);
        node.set("child", child);
        node.put("try_cast", false);
        node.set("type_expr", typeNode(duckType).deepCopy());
        return node;
    }

    /** The tree of a type as DuckDB writes it, from a type name DuckDB itself reported. */
    private JsonNode typeNode(String duckType) {
        return typeNodes.computeIfAbsent(duckType, t -> {
            JsonNode parsed = Json.tree(query("SELECT json_serialize_sql(?::VARCHAR)", "SELECT CAST(NULL AS " + t + ")"));
            JsonNode type = parsed.path("statements").path(0).path("node").path("select_list").path(0).path("type_expr");
            if (type.isMissingNode()) {
                throw new MallardException(ErrorCode.INTERNAL_ERROR, "cannot express DuckDB type " + t);
            }
            return type;
        });
    }

    private String query(String sql, String argument) {
        try (Connection connection = scratch.duplicate(); PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setString(1, argument);
            try (ResultSet rs = statement.executeQuery()) {
                rs.next();
                return rs.getString(1);
            }
        } catch (SQLException e) {
            throw DuckErrors.translate(e);
        }
    }
}
