package io.mallard.coordinator.flightsql;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mallard.common.ErrorCode;
import io.mallard.common.MallardException;
import io.mallard.planner.sql.DuckDbSqlEngine;
import io.mallard.planner.sql.ParsedSql;
import io.mallard.planner.sql.SqlEngine;
import io.mallard.coordinator.combine.SharedDatabase;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * Binds prepared-statement parameters by rewriting DuckDB's parse tree, never the SQL text: every {@code ?} / {@code $n}
 * node becomes a constant node holding the value (cast to the type DuckDB inferred for the parameter), and DuckDB
 * renders the tree back to SQL with its own quoting. A value can therefore never become SQL syntax. The planner then
 * plans the bound statement like any other.
 */
final class ParameterBinder {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final SqlEngine engine;

    /** @param scratch an in-memory DuckDB for parsing and rendering; each call works on a connection of its own */
    ParameterBinder(SharedDatabase scratch) {
        this.engine = DuckDbSqlEngine.perCall(scratch::connect);
    }

    /**
     * @param values one value per parameter, in order ($1 first): Long, BigDecimal, Double, String, Boolean, LocalDate,
     *               LocalDateTime, LocalTime, byte[] or null
     * @param types  the DuckDB type DuckDB inferred for each parameter ("INVALID" when it could not)
     */
    String bind(String sql, List<Object> values, List<String> types) {
        ParsedSql parsed = engine.parse(sql);
        if (parsed.failed()) {
            throw new MallardException(ErrorCode.UNSUPPORTED_STATEMENT, "only SELECT statements take parameters: "
                    + parsed.error().get().message());
        }
        if (parsed.statements().size() != 1) {
            throw new MallardException(ErrorCode.UNSUPPORTED_STATEMENT, "send one statement at a time");
        }
        return engine.render((ObjectNode) replace(parsed.statements().get(0), values, types));
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
        node.set("type_expr", engine.typeNode(duckType));
        return node;
    }
}
