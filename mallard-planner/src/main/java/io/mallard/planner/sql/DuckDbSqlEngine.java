package io.mallard.planner.sql;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mallard.common.ErrorCode;
import io.mallard.common.Json;
import io.mallard.common.MallardException;
import io.mallard.common.duck.DuckErrors;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * {@link SqlEngine} over a DuckDB connection: {@code json_serialize_sql} parses, {@code json_deserialize_sql}
 * renders, {@code DESCRIBE} binds. The connection's database must hold the schemas of every table (empty partitioned
 * tables are enough), so binding sees exactly what the workers will see.
 */
public final class DuckDbSqlEngine implements SqlEngine {
    private final Connection connection;
    private final Set<String> aggregates;
    private final Map<String, ObjectNode> typeNodes = new HashMap<>();

    public DuckDbSqlEngine(Connection connection) {
        this.connection = connection;
        this.aggregates = loadAggregates(connection);
    }

    @Override
    public synchronized ObjectNode parseSelect(String sql) {
        JsonNode result = Json.tree(queryString("SELECT json_serialize_sql(?::VARCHAR)", sql));
        if (result.path("error").asBoolean(false)) {
            String message = result.path("error_message").asText("unparsable statement");
            String type = result.path("error_type").asText("");
            int position = result.path("position").asInt(-1);
            if (type.equalsIgnoreCase("parser")) {
                throw new MallardException(ErrorCode.SYNTAX_ERROR, "Parser Error: " + message, position, null);
            }
            if (message.contains("Only SELECT statements")) {
                throw new MallardException(ErrorCode.UNSUPPORTED_STATEMENT,
                        "only SELECT queries can run against a Mallard dataset (datasets are read-only)");
            }
            throw new MallardException(ErrorCode.SYNTAX_ERROR, message, position, null);
        }
        JsonNode statements = result.path("statements");
        if (statements.size() != 1) {
            throw new MallardException(ErrorCode.UNSUPPORTED_STATEMENT,
                    "send one statement at a time (received " + statements.size() + ")");
        }
        return (ObjectNode) statements.get(0).get("node");
    }

    @Override
    public synchronized String render(ObjectNode selectNode) {
        ObjectNode envelope = JsonNodeFactory.instance.objectNode();
        envelope.put("error", false);
        ArrayNode statements = envelope.putArray("statements");
        ObjectNode statement = statements.addObject();
        statement.set("node", selectNode);
        statement.putArray("named_param_map");
        return queryString("SELECT json_deserialize_sql(?::JSON)", Json.toText(envelope));
    }

    @Override
    public synchronized List<OutputColumn> describe(String sql) {
        List<OutputColumn> columns = new ArrayList<>();
        try (Statement statement = connection.createStatement();
                ResultSet rs = statement.executeQuery("DESCRIBE " + sql)) {
            while (rs.next()) {
                columns.add(new OutputColumn(rs.getString("column_name"), rs.getString("column_type")));
            }
        } catch (SQLException e) {
            throw DuckErrors.translate(e);
        }
        return columns;
    }

    @Override
    public synchronized long count(ObjectNode selectNode) {
        try (Statement statement = connection.createStatement();
                ResultSet rs = statement.executeQuery("SELECT count(*) FROM (" + render(selectNode) + ")")) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw DuckErrors.translate(e);
        }
    }

    @Override
    public synchronized ObjectNode typeNode(String sqlType) {
        return typeNodes.computeIfAbsent(sqlType, t -> {
            ObjectNode select = parseSelect("SELECT CAST(NULL AS " + t + ")");
            return (ObjectNode) select.path("select_list").get(0).get("type_expr");
        }).deepCopy();
    }

    @Override
    public Set<String> aggregateFunctions() {
        return aggregates;
    }

    private String queryString(String query, String argument) {
        try (PreparedStatement statement = connection.prepareStatement(query)) {
            statement.setString(1, argument);
            try (ResultSet rs = statement.executeQuery()) {
                rs.next();
                return rs.getString(1);
            }
        } catch (SQLException e) {
            throw DuckErrors.translate(e);
        }
    }

    private static Set<String> loadAggregates(Connection connection) {
        Set<String> names = new HashSet<>();
        try (Statement statement = connection.createStatement();
                ResultSet rs = statement.executeQuery(
                        "SELECT DISTINCT function_name FROM duckdb_functions() WHERE function_type = 'aggregate'")) {
            while (rs.next()) {
                names.add(rs.getString(1).toLowerCase(Locale.ROOT));
            }
        } catch (SQLException e) {
            throw DuckErrors.translate(e);
        }
        names.add("count_star");
        return Set.copyOf(names);
    }
}
