package io.mallard.oracle;

import com.fasterxml.jackson.databind.JsonNode;
import io.mallard.common.rows.QueryRows;
import io.mallard.planner.sql.DuckDbSqlEngine;
import io.mallard.planner.sql.SqlEngine;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import org.apache.arrow.vector.PeriodDuration;
import org.duckdb.DuckDBStruct;

/**
 * The single-DuckDB oracle: runs a query over the unsharded data and compares a distributed answer with it — exactly
 * for integers, decimals, strings and dates; with a relative tolerance for doubles; in order only when the query orders
 * its result (asked of DuckDB's parser through the planner's {@link SqlEngine}). Main code, not test code: the demo and
 * the benchmarks check their answers with it too.
 */
public final class Oracle implements AutoCloseable {
    /** Relative tolerance for doubles: sums combine in another order than on one node. */
    public static final double RELATIVE_TOLERANCE = 1e-9;

    private final Connection connection;
    private final Connection parserConnection;
    private final SqlEngine parser;
    /** Whether closing the oracle closes its connection (not when the caller lent it). */
    private final boolean owned;

    public Oracle(Path oracleFile) throws SQLException {
        this(DriverManager.getConnection("jdbc:duckdb:" + oracleFile, readOnly()), true);
    }

    /**
     * An oracle over a DuckDB the caller holds and may change between comparisons (the tests of data changes apply the
     * same statements to it and to Mallard); closing the oracle leaves the connection open.
     */
    public static Oracle over(Connection connection) throws SQLException {
        return new Oracle(connection, false);
    }

    private static Properties readOnly() {
        Properties properties = new Properties();
        properties.setProperty("duckdb.read_only", "true");
        return properties;
    }

    private Oracle(Connection connection, boolean owned) throws SQLException {
        this.connection = connection;
        this.owned = owned;
        try {
            this.parserConnection = session();
            this.parser = new DuckDbSqlEngine(parserConnection);
        } catch (SQLException | RuntimeException e) {
            if (owned) {
                connection.close();
            }
            throw e;
        }
    }

    /** A connection of its own per call, so one oracle serves concurrent tests. */
    private Connection session() throws SQLException {
        return connection.unwrap(org.duckdb.DuckDBConnection.class).duplicate();
    }

    /** Runs {@code sql} on the unsharded data. */
    public QueryRows query(String sql) throws SQLException {
        try (Connection session = session(); Statement statement = session.createStatement();
                ResultSet rs = statement.executeQuery(sql)) {
            QueryRows read = ResultSetRows.read(rs);
            List<List<Object>> rows = new ArrayList<>(read.rows().size());
            for (List<Object> row : read.rows()) {
                List<Object> converted = new ArrayList<>(row.size());
                for (int c = 0; c < row.size(); c++) {
                    Object value = row.get(c);
                    // DuckDB's JDBC driver gives an INTERVAL as its text; compare it by value instead.
                    converted.add(value instanceof String text && "INTERVAL".equals(read.types().get(c)) ? IntervalValue.parse(text) : value);
                }
                rows.add(converted);
            }
            return new QueryRows(read.columns(), read.types(), rows);
        }
    }

    /** Whether the query's top level has ORDER BY, asked of DuckDB's own parser. */
    public boolean isOrdered(String sql) {
        for (JsonNode modifier : parser.parseSelect(sql).path("modifiers")) {
            if ("ORDER_MODIFIER".equals(modifier.path("type").asText())) {
                return true;
            }
        }
        return false;
    }

    /** Compares a distributed answer with the oracle's; returns empty when they match, else the first difference. */
    public java.util.Optional<String> difference(String sql, QueryRows distributed) throws SQLException {
        return difference(sql, query(sql), distributed);
    }

    /**
     * Compares a distributed answer with the oracle's answer {@link #query read} before; empty when they match, else the
     * first difference.
     */
    public java.util.Optional<String> difference(String sql, QueryRows expected, QueryRows distributed) {
        if (!expected.columns().equals(distributed.columns())) {
            return java.util.Optional.of("columns differ: expected " + expected.columns() + " but got " + distributed.columns());
        }
        if (expected.rows().size() != distributed.rows().size()) {
            return java.util.Optional.of("row counts differ: expected " + expected.rows().size() + " but got "
                    + distributed.rows().size());
        }
        List<List<Object>> want = normalize(expected.rows());
        List<List<Object>> got = normalize(distributed.rows());
        if (!isOrdered(sql)) {
            want.sort(ROW_ORDER);
            got.sort(ROW_ORDER);
        }
        for (int r = 0; r < want.size(); r++) {
            for (int c = 0; c < want.get(r).size(); c++) {
                if (!same(want.get(r).get(c), got.get(r).get(c))) {
                    return java.util.Optional.of("row " + r + ", column " + expected.columns().get(c) + ": expected "
                            + want.get(r) + " but got " + got.get(r));
                }
            }
        }
        return java.util.Optional.empty();
    }

    private static List<List<Object>> normalize(List<List<Object>> rows) {
        List<List<Object>> out = new ArrayList<>(rows.size());
        for (List<Object> row : rows) {
            List<Object> copy = new ArrayList<>(row.size());
            for (Object value : row) {
                copy.add(normalize(value));
            }
            out.add(copy);
        }
        return out;
    }

    /**
     * One Java representation per SQL value: BigDecimal for exact numbers, Double for floats, LocalDate for dates,
     * LocalDateTime for timestamps, Instant for timestamps with time zone, {@link IntervalValue} for intervals, hex text for
     * blobs, a List for a list (JDBC's {@code java.sql.Array} or the client's List) and a LinkedHashMap for a struct or a
     * map, with their elements normalized too.
     */
    static Object normalize(Object value) {
        if (value instanceof java.sql.Array array) {
            try {
                return normalizeAll(Arrays.asList((Object[]) array.getArray()));
            } catch (SQLException e) {
                throw new IllegalStateException("reading a list from DuckDB", e);
            }
        }
        if (value instanceof DuckDBStruct struct) {
            try {
                return normalize(struct.getMap());
            } catch (SQLException e) {
                throw new IllegalStateException("reading a struct from DuckDB", e);
            }
        }
        if (value instanceof List<?> list) {
            return normalizeAll(list);
        }
        if (value instanceof java.sql.Blob blob) {
            try {
                return HexFormat.of().formatHex(blob.getBytes(1, (int) blob.length()));
            } catch (SQLException e) {
                throw new IllegalStateException("reading a blob from DuckDB", e);
            }
        }
        if (value instanceof byte[] bytes) {
            return HexFormat.of().formatHex(bytes);
        }
        if (value instanceof OffsetDateTime t) {
            return t.toInstant();
        }
        if (value instanceof PeriodDuration p) {
            return IntervalValue.of(p);
        }
        if (value instanceof LocalTime || value instanceof Instant || value instanceof IntervalValue) {
            return value;
        }
        if (value instanceof Map<?, ?> map) {
            Map<Object, Object> out = new LinkedHashMap<>();
            map.forEach((k, v) -> out.put(normalize(k), normalize(v)));
            return out;
        }
        if (value instanceof Double || value instanceof Float) {
            return ((Number) value).doubleValue();
        }
        if (value instanceof BigDecimal d) {
            return d.stripTrailingZeros();
        }
        if (value instanceof BigInteger || value instanceof Long || value instanceof Integer || value instanceof Short
                || value instanceof Byte) {
            return new BigDecimal(value.toString()).stripTrailingZeros();
        }
        if (value instanceof java.sql.Date d) {
            return d.toLocalDate();
        }
        if (value instanceof java.sql.Timestamp t) {
            return t.toLocalDateTime();
        }
        if (value instanceof LocalDate || value instanceof LocalDateTime || value instanceof String || value == null
                || value instanceof Boolean) {
            return value;
        }
        return value.toString();
    }

    private static List<Object> normalizeAll(List<?> values) {
        List<Object> out = new ArrayList<>(values.size());
        for (Object v : values) {
            out.add(normalize(v));
        }
        return out;
    }

    static boolean same(Object expected, Object actual) {
        if (expected instanceof List<?> e && actual instanceof List<?> a) {
            if (e.size() != a.size()) {
                return false;
            }
            for (int i = 0; i < e.size(); i++) {
                if (!same(e.get(i), a.get(i))) {
                    return false;
                }
            }
            return true;
        }
        if (expected instanceof Map<?, ?> e && actual instanceof Map<?, ?> a) {
            // Keys in entry order (struct fields, map entries), values with the same tolerance as top-level ones.
            return same(new ArrayList<Object>(e.keySet()), new ArrayList<Object>(a.keySet()))
                    && same(new ArrayList<Object>(e.values()), new ArrayList<Object>(a.values()));
        }
        if (expected instanceof Double e && actual instanceof Double a) {
            if (e.isNaN() || a.isNaN()) {
                return e.isNaN() && a.isNaN();
            }
            if (e.isInfinite() || a.isInfinite()) {
                return e.equals(a); // the relative check below would take an infinity for any other number
            }
            return Math.abs(e - a) <= RELATIVE_TOLERANCE * Math.max(Math.abs(e), Math.abs(a)) || e.equals(a);
        }
        if (expected instanceof BigDecimal e && actual instanceof BigDecimal a) {
            return e.compareTo(a) == 0;
        }
        return Objects.equals(expected, actual);
    }

    private static final Comparator<List<Object>> ROW_ORDER = (a, b) -> {
        for (int i = 0; i < a.size(); i++) {
            int c = compareValues(a.get(i), b.get(i));
            if (c != 0) {
                return c;
            }
        }
        return 0;
    };

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static int compareValues(Object a, Object b) {
        if (a == null || b == null) {
            return a == null ? (b == null ? 0 : -1) : 1;
        }
        if (a instanceof List<?> la && b instanceof List<?> lb) {
            for (int i = 0; i < Math.min(la.size(), lb.size()); i++) {
                int c = compareValues(la.get(i), lb.get(i));
                if (c != 0) {
                    return c;
                }
            }
            return Integer.compare(la.size(), lb.size());
        }
        if (a instanceof Comparable ca && a.getClass() == b.getClass()) {
            return ca.compareTo(b);
        }
        return a.toString().compareTo(b.toString());
    }

    @Override
    public void close() throws SQLException {
        try (Connection p = parserConnection) {
            if (owned) {
                connection.close();
            }
        }
    }
}
