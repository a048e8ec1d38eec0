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
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@link SqlEngine} over DuckDB: {@code json_serialize_sql} parses, {@code json_deserialize_sql} renders,
 * {@code DESCRIBE} binds. For binding, the database must hold the schemas of every table (empty partitioned tables are
 * enough), so binding sees exactly what the workers will see.
 */
public final class DuckDbSqlEngine implements SqlEngine {
    /** Opens a connection to the DuckDB the engine works on. */
    @FunctionalInterface
    public interface Connections {
        Connection open() throws SQLException;
    }

    /** The connection a shared engine's calls run on, and its renewal once DuckDB has invalidated its database. */
    @FunctionalInterface
    public interface SharedConnection {
        /** The connection to use now. */
        Connection current();

        /**
         * Called when a call failed with {@code failure}: whether a new connection is now in place to try the call once
         * more (DuckDB invalidated the database, and it was replaced). A fixed connection is never renewed.
         */
        default boolean renewed(SQLException failure) {
            return false;
        }
    }

    @FunctionalInterface
    private interface Call<T> {
        T on(Connection connection) throws SQLException;
    }

    /** The one connection every call uses, one at a time; null when each call opens its own. */
    private final SharedConnection shared;
    private final Connections connections;
    private final Map<String, ObjectNode> typeNodes = new ConcurrentHashMap<>();
    private volatile Set<String> aggregates;

    /** An engine whose calls all run on {@code connection}, one at a time. */
    public DuckDbSqlEngine(Connection connection) {
        this((SharedConnection) () -> connection);
    }

    /**
     * An engine whose calls all run on {@code connection}'s current connection, one at a time (the planner's); a call
     * that fails because DuckDB invalidated the database is tried once more when a new connection replaced it.
     */
    public DuckDbSqlEngine(SharedConnection connection) {
        this.shared = connection;
        this.connections = null;
        this.aggregates = call(DuckDbSqlEngine::loadAggregates);
    }

    private DuckDbSqlEngine(Connections connections) {
        this.shared = null;
        this.connections = connections;
    }

    /**
     * An engine whose every call runs on a connection of its own, opened by {@code connections} and closed after the
     * call: for callers on many threads that only parse and render.
     */
    public static DuckDbSqlEngine perCall(Connections connections) {
        return new DuckDbSqlEngine(connections);
    }

    /**
     * DuckDB's parse tree as JSON. Jackson refuses JSON nested deeper than its {@code StreamReadConstraints} allow
     * (1000 levels): DuckDB's {@code max_expression_depth} bounds expressions well below that, but not sub-queries
     * in FROM, about three levels each, so 330 of them nested pass DuckDB's parser and not Jackson.
     */
    private static JsonNode tree(String json) {
        try {
            return Json.mapper().readTree(json);
        } catch (com.fasterxml.jackson.core.exc.StreamConstraintsException e) {
            throw new MallardException(ErrorCode.LIMIT_EXCEEDED, "the statement nests too deeply: its parse tree is "
                    + "more than " + Json.mapper().getFactory().streamReadConstraints().getMaxNestingDepth()
                    + " levels deep (nested sub-queries count about three levels each)");
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw MallardException.internal("malformed JSON from json_serialize_sql", e);
        }
    }

    @Override
    public ParsedSql parse(String sql) {
        JsonNode result = tree(call(c -> queryString(c, "SELECT json_serialize_sql(?::VARCHAR)", sql)));
        if (result.path("error").asBoolean(false)) {
            return new ParsedSql(List.of(), Optional.of(new ParsedSql.Error(result.path("error_type").asText(""),
                    result.path("error_message").asText("unparsable statement"), result.path("position").asInt(-1))));
        }
        List<ObjectNode> statements = new ArrayList<>();
        result.path("statements").forEach(statement -> statements.add((ObjectNode) statement.get("node")));
        return new ParsedSql(statements, Optional.empty());
    }

    @Override
    public ObjectNode parseSelect(String sql) {
        ParsedSql parsed = parse(sql);
        if (parsed.failed()) {
            ParsedSql.Error error = parsed.error().get();
            if (error.type().equalsIgnoreCase("parser")) {
                throw new MallardException(ErrorCode.SYNTAX_ERROR, "Parser Error: " + error.message(), error.position(), null);
            }
            if (error.message().contains("Only SELECT statements")) {
                throw new MallardException(ErrorCode.UNSUPPORTED_STATEMENT, NonQueries.whyNot(sql));
            }
            throw new MallardException(ErrorCode.SYNTAX_ERROR, error.message(), error.position(), null);
        }
        if (parsed.statements().size() != 1) {
            throw new MallardException(ErrorCode.UNSUPPORTED_STATEMENT,
                    "send one statement at a time (received " + parsed.statements().size() + ")");
        }
        return parsed.statements().get(0);
    }

    @Override
    public String render(ObjectNode selectNode) {
        ObjectNode envelope = JsonNodeFactory.instance.objectNode();
        envelope.put("error", false);
        ArrayNode statements = envelope.putArray("statements");
        ObjectNode statement = statements.addObject();
        statement.set("node", selectNode);
        statement.putArray("named_param_map");
        String json = Json.toText(envelope);
        return call(c -> queryString(c, "SELECT json_deserialize_sql(?::JSON)", json));
    }

    @Override
    public List<OutputColumn> describe(String sql) {
        return call(c -> describe(c, sql));
    }

    @Override
    public Optional<List<OutputColumn>> describeIfBinds(String sql) {
        try {
            return Optional.of(callOrFail(c -> describe(c, sql)));
        } catch (SQLException e) {
            return Optional.empty(); // DuckDB cannot bind it alone: the answer, not a failure
        }
    }

    @Override
    public OptionalLong count(ObjectNode selectNode) {
        String sql = "SELECT count(*) FROM (" + render(selectNode) + ")";
        try {
            return OptionalLong.of(callOrFail(c -> {
                try (Statement statement = c.createStatement(); ResultSet rs = statement.executeQuery(sql)) {
                    rs.next();
                    return rs.getLong(1);
                }
            }));
        } catch (SQLException e) {
            return OptionalLong.empty(); // the query fails on the data: no count to decide by
        }
    }

    @Override
    public ObjectNode typeNode(String sqlType) {
        ObjectNode type = typeNodes.get(sqlType);
        if (type == null) {
            // parsed outside the map's lock: parsing may wait for the shared connection
            ParsedSql cast = parse("SELECT CAST(NULL AS " + sqlType + ")");
            JsonNode parsed = cast.failed() || cast.statements().size() != 1 ? null
                    : cast.statements().get(0).path("select_list").path(0).get("type_expr");
            if (parsed == null || !parsed.isObject()) {
                throw new MallardException(ErrorCode.INTERNAL_ERROR, "cannot express DuckDB type " + sqlType);
            }
            typeNodes.putIfAbsent(sqlType, (ObjectNode) parsed);
            type = typeNodes.get(sqlType);
        }
        return type.deepCopy();
    }

    @Override
    public Set<String> aggregateFunctions() {
        Set<String> names = aggregates;
        if (names == null) {
            names = call(DuckDbSqlEngine::loadAggregates);
            aggregates = names;
        }
        return names;
    }

    /** Runs {@code body} on a connection; DuckDB's errors become coded errors. */
    private <T> T call(Call<T> body) {
        try {
            return callOrFail(body);
        } catch (SQLException e) {
            throw DuckErrors.translate(e);
        }
    }

    private <T> T callOrFail(Call<T> body) throws SQLException {
        if (shared != null) {
            synchronized (this) {
                try {
                    return body.on(shared.current());
                } catch (SQLException e) {
                    if (!shared.renewed(e)) {
                        throw e;
                    }
                    return body.on(shared.current());
                }
            }
        }
        try (Connection connection = connections.open()) {
            return body.on(connection);
        }
    }

    private static List<OutputColumn> describe(Connection connection, String sql) throws SQLException {
        List<OutputColumn> columns = new ArrayList<>();
        try (Statement statement = connection.createStatement(); ResultSet rs = statement.executeQuery("DESCRIBE " + sql)) {
            while (rs.next()) {
                columns.add(new OutputColumn(rs.getString("column_name"), rs.getString("column_type")));
            }
        }
        return columns;
    }

    private static String queryString(Connection connection, String query, String argument) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(query)) {
            statement.setString(1, argument);
            try (ResultSet rs = statement.executeQuery()) {
                rs.next();
                return rs.getString(1);
            }
        }
    }

    private static Set<String> loadAggregates(Connection connection) throws SQLException {
        Set<String> names = new HashSet<>();
        try (Statement statement = connection.createStatement();
                ResultSet rs = statement.executeQuery(
                        "SELECT DISTINCT function_name FROM duckdb_functions() WHERE function_type = 'aggregate'")) {
            while (rs.next()) {
                names.add(rs.getString(1).toLowerCase(Locale.ROOT));
            }
        }
        names.add("count_star");
        return Set.copyOf(names);
    }
}
