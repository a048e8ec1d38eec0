package io.mallard.planner.plan;

import io.mallard.planner.catalog.Catalog;
import io.mallard.planner.catalog.TableInfo;
import io.mallard.planner.catalog.TableInfo.Reference;
import io.mallard.planner.catalog.TableKind;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A small star schema in the TPC-H shape, sharded by hand into in-memory DuckDBs, so planner tests can execute worker
 * and combine SQL and compare with the unsharded answer without any network.
 */
final class MiniWarehouse implements Catalog, AutoCloseable {
    private static final String[] SCHEMA = {
        "CREATE TABLE orders (o_orderkey INTEGER, o_custkey INTEGER, o_orderdate DATE, o_shippriority INTEGER)",
        "CREATE TABLE lineitem (l_orderkey INTEGER, l_suppkey INTEGER, l_quantity DECIMAL(15,2), "
                + "l_extendedprice DECIMAL(15,2), l_discount DECIMAL(15,2), l_returnflag VARCHAR, l_shipdate DATE, l_tax DOUBLE)",
        "CREATE TABLE customer (c_custkey INTEGER, c_nationkey INTEGER, c_mktsegment VARCHAR)",
        "CREATE TABLE supplier (s_suppkey INTEGER, s_nationkey INTEGER)",
        "CREATE TABLE nation (n_nationkey INTEGER, n_name VARCHAR)",
        "CREATE TABLE supplyflags (sf_suppkey INTEGER, sf_flag VARCHAR, sf_qty INTEGER)",
        "CREATE TABLE measurements (station VARCHAR, measure DOUBLE)",
    };
    private static final String[] DATA = {
        "INSERT INTO nation SELECT i, 'nation ' || i FROM range(5) t(i)",
        "INSERT INTO customer SELECT i, i % 5, CASE WHEN i % 3 = 0 THEN 'BUILDING' ELSE 'AUTO' END FROM range(1, 60) t(i)",
        "INSERT INTO supplier SELECT i, (i * 7) % 5 FROM range(1, 20) t(i)",
        "INSERT INTO orders SELECT i, 1 + (i * 13) % 50, DATE '1995-01-01' + INTERVAL (i % 400) DAY, i % 2 FROM range(1, 500) t(i)",
        "INSERT INTO lineitem SELECT o_orderkey, 1 + (o_orderkey * j) % 19, (o_orderkey % 50) + j, (o_orderkey * 3.17 + j)::DECIMAL(15,2), "
                + "((o_orderkey + j) % 10) / 100.0, CASE WHEN j % 3 = 0 THEN 'R' WHEN j % 3 = 1 THEN 'A' ELSE 'N' END, "
                + "o_orderdate + INTERVAL (j * 5) DAY, CASE WHEN j = 2 THEN NULL ELSE j * 0.5 END "
                + "FROM orders, range(1, 1 + o_orderkey % 7) r(j)",
        "INSERT INTO supplyflags SELECT s, f, (s * 131 + ascii(f) * 17) % 1000 FROM (SELECT DISTINCT l_suppkey, l_returnflag "
                + "FROM lineitem) t(s, f)",
        "INSERT INTO measurements SELECT 'station ' || (i % 7), ((i * 37) % 200 - 100) / 10.0 FROM range(3000) t(i)",
    };

    private final Map<String, TableInfo> tables = new TreeMap<>();
    final Connection oracle;
    final Connection reference;
    final List<Connection> shards = new ArrayList<>();

    MiniWarehouse(int shardCount) throws SQLException {
        table("orders", TableKind.PARTITIONED, List.of("o_orderkey"), List.of("o_orderkey", "o_custkey", "o_orderdate", "o_shippriority"));
        table("lineitem", TableKind.PARTITIONED, List.of("l_orderkey"), List.of("l_orderkey", "l_suppkey", "l_quantity",
                "l_extendedprice", "l_discount", "l_returnflag", "l_shipdate", "l_tax"));
        dimension("customer", List.of("c_custkey", "c_nationkey", "c_mktsegment"),
                new Reference("orders", List.of("o_custkey"), List.of("c_custkey")));
        dimension("supplier", List.of("s_suppkey", "s_nationkey"),
                new Reference("lineitem", List.of("l_suppkey"), List.of("s_suppkey")));
        // placed by a composite key, like TPC-H's partsupp
        dimension("supplyflags", List.of("sf_suppkey", "sf_flag", "sf_qty"),
                new Reference("lineitem", List.of("l_suppkey", "l_returnflag"), List.of("sf_suppkey", "sf_flag")));
        table("nation", TableKind.REPLICATED, List.of(), List.of("n_nationkey", "n_name"));
        tables.put("measurements", new TableInfo("measurements", "weather", TableKind.PARTITIONED, List.of(),
                List.of("station", "measure"), List.of()));
        oracle = DriverManager.getConnection("jdbc:duckdb:");
        reference = DriverManager.getConnection("jdbc:duckdb:");
        try (Statement o = oracle.createStatement(); Statement r = reference.createStatement()) {
            for (String ddl : SCHEMA) {
                o.execute(ddl);
                r.execute(ddl);
            }
            for (String dml : DATA) {
                o.execute(dml);
            }
        }
        for (int s = 0; s < shardCount; s++) {
            // a worker's DuckDB sends types Arrow has no type for as extension types (DuckArrow.LOSSLESS)
            Connection shard = DriverManager.getConnection("jdbc:duckdb:",
                    io.mallard.common.duck.DuckArrow.lossless(new java.util.Properties()));
            shards.add(shard);
            try (Statement st = shard.createStatement()) {
                for (String ddl : SCHEMA) {
                    st.execute(ddl);
                }
            }
        }
        // Copy rows through the oracle connection by value lists: small data, keeps shards independent databases.
        for (int s = 0; s < shardCount; s++) {
            String filter = "hash(%s) %% " + shardCount + " = " + s;
            copy(s, "orders", String.format(filter, "o_orderkey"));
            copy(s, "lineitem", String.format(filter, "l_orderkey"));
            copy(s, "nation", "true");
            copy(s, "measurements", "hash(station || measure) % " + shardCount + " = " + s);
            copyReferenced(s, "customer", "c_custkey", "o_custkey", "orders");
            copyReferenced(s, "supplier", "s_suppkey", "l_suppkey", "lineitem");
            copyReferenced(s, "supplyflags", "(sf_suppkey, sf_flag)", "(l_suppkey, l_returnflag)", "lineitem");
        }
        fillReference();
    }

    /** The coordinator's reference database holds full copies of dimension and replicated tables. */
    private void fillReference() throws SQLException {
        for (String table : List.of("customer", "supplier", "supplyflags", "nation")) {
            insert(reference, table, "SELECT * FROM " + table);
        }
    }

    private void table(String name, TableKind kind, List<String> key, List<String> columns) {
        tables.put(name, new TableInfo(name, "tpch", kind, key, columns, List.of()));
    }

    private void dimension(String name, List<String> columns, Reference reference) {
        tables.put(name, new TableInfo(name, "tpch", TableKind.DIMENSION, List.of(), columns, List.of(reference)));
    }

    private void copy(int shard, String table, String where) throws SQLException {
        insert(shard, table, "SELECT * FROM " + table + " WHERE " + where);
    }

    private void copyReferenced(int shard, String table, String key, String fk, String fact) throws SQLException {
        List<String> keys = new ArrayList<>();
        try (Statement st = shards.get(shard).createStatement();
                var rs = st.executeQuery("SELECT DISTINCT " + fk + " FROM " + fact)) {
            while (rs.next()) {
                keys.add(rs.getObject(1) instanceof java.sql.Struct row ? literal(row) : rs.getString(1));
            }
        }
        if (!keys.isEmpty()) {
            insert(shard, table, "SELECT * FROM " + table + " WHERE " + key + " IN (" + String.join(",", keys) + ")");
        }
    }

    /** A key of several columns as a row literal, {@code (1, 'A')}. */
    private static String literal(java.sql.Struct row) throws SQLException {
        List<String> values = new ArrayList<>();
        for (Object v : row.getAttributes()) {
            values.add(v instanceof String text ? "'" + text.replace("'", "''") + "'" : String.valueOf(v));
        }
        return "(" + String.join(", ", values) + ")";
    }

    private void insert(int shard, String table, String query) throws SQLException {
        insert(shards.get(shard), table, query);
    }

    private void insert(Connection target, String table, String query) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Statement st = oracle.createStatement();
                var rs = st.executeQuery(query)) {
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                List<String> values = new ArrayList<>();
                for (int c = 1; c <= n; c++) {
                    Object v = rs.getObject(c);
                    values.add(v == null ? "NULL" : "'" + v.toString().replace("'", "''") + "'");
                }
                rows.add("(" + String.join(",", values) + ")");
            }
        }
        if (!rows.isEmpty()) {
            try (Statement st = target.createStatement()) {
                st.execute("INSERT INTO " + table + " VALUES " + String.join(",", rows));
            }
        }
    }

    /** Whether the query returns no rows on the unsharded data (a comparison would then prove little). */
    boolean oracleIsEmpty(String sql) throws SQLException {
        try (Statement st = oracle.createStatement(); var rs = st.executeQuery(sql)) {
            return !rs.next();
        }
    }

    @Override
    public Optional<TableInfo> table(String name) {
        return Optional.ofNullable(tables.get(name.toLowerCase(Locale.ROOT)));
    }

    @Override
    public void close() throws SQLException {
        for (Connection c : shards) {
            c.close();
        }
        oracle.close();
        reference.close();
    }
}
