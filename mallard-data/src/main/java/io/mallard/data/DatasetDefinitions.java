package io.mallard.data;

import java.util.ArrayList;
import java.util.List;

/**
 * The table definitions of the built-in datasets (tpch, measurements and the optional edge-case dataset). TPC-H
 * column names, order and types follow DuckDB's tpch extension ({@code extension/tpch/dbgen/dbgen.cpp} in duckdb/duckdb): entity keys, line numbers
 * and {@code ps_availqty} are BIGINT, nation/region keys, {@code p_size} and {@code o_shippriority}
 * INTEGER, money and quantities DECIMAL(15,2), dates DATE, all text VARCHAR. Keeping DuckDB's types
 * means query results match what {@code CALL dbgen(...)} users expect, and that the key types used
 * by {@code hash()} for shard assignment are the same on every co-partitioned table (BIGINT).
 */
final class DatasetDefinitions {
    static final String TPCH = "tpch";
    static final String MEASUREMENTS = "measurements";
    static final String EDGE = "edge";

    private DatasetDefinitions() {
    }

    /** TPC-H tables in DuckDB's creation order (region, nation, supplier, customer, part, partsupp, orders, lineitem). */
    static List<TableSpec> tpch() {
        List<TableSpec> t = new ArrayList<>();
        t.add(replicated("region",
                "r_regionkey INTEGER", "r_name VARCHAR", "r_comment VARCHAR"));
        t.add(replicated("nation",
                "n_nationkey INTEGER", "n_name VARCHAR", "n_regionkey INTEGER", "n_comment VARCHAR"));
        t.add(dimension("supplier", List.of(ref("lineitem", "l_suppkey", "s_suppkey")),
                "s_suppkey BIGINT", "s_name VARCHAR", "s_address VARCHAR", "s_nationkey INTEGER",
                "s_phone VARCHAR", "s_acctbal DECIMAL(15,2)", "s_comment VARCHAR"));
        t.add(dimension("customer", List.of(ref("orders", "o_custkey", "c_custkey")),
                "c_custkey BIGINT", "c_name VARCHAR", "c_address VARCHAR", "c_nationkey INTEGER",
                "c_phone VARCHAR", "c_acctbal DECIMAL(15,2)", "c_mktsegment VARCHAR", "c_comment VARCHAR"));
        t.add(dimension("part", List.of(ref("lineitem", "l_partkey", "p_partkey")),
                "p_partkey BIGINT", "p_name VARCHAR", "p_mfgr VARCHAR", "p_brand VARCHAR", "p_type VARCHAR",
                "p_size INTEGER", "p_container VARCHAR", "p_retailprice DECIMAL(15,2)", "p_comment VARCHAR"));
        t.add(dimension("partsupp",
                List.of(new Reference("lineitem", List.of("l_partkey", "l_suppkey"), List.of("ps_partkey", "ps_suppkey"))),
                "ps_partkey BIGINT", "ps_suppkey BIGINT", "ps_availqty BIGINT", "ps_supplycost DECIMAL(15,2)",
                "ps_comment VARCHAR"));
        t.add(partitioned("orders", List.of("o_orderkey"),
                "o_orderkey BIGINT", "o_custkey BIGINT", "o_orderstatus VARCHAR", "o_totalprice DECIMAL(15,2)",
                "o_orderdate DATE", "o_orderpriority VARCHAR", "o_clerk VARCHAR", "o_shippriority INTEGER",
                "o_comment VARCHAR"));
        t.add(partitioned("lineitem", List.of("l_orderkey"),
                "l_orderkey BIGINT", "l_partkey BIGINT", "l_suppkey BIGINT", "l_linenumber BIGINT",
                "l_quantity DECIMAL(15,2)", "l_extendedprice DECIMAL(15,2)", "l_discount DECIMAL(15,2)",
                "l_tax DECIMAL(15,2)", "l_returnflag VARCHAR", "l_linestatus VARCHAR", "l_shipdate DATE",
                "l_commitdate DATE", "l_receiptdate DATE", "l_shipinstruct VARCHAR", "l_shipmode VARCHAR",
                "l_comment VARCHAR"));
        return List.copyOf(t);
    }

    /**
     * The measurements table. It is partitioned by row position (empty shard key, hashFunction
     * {@code hash(rowid)}) rather than by station: with only 413 stations, hashing the station
     * would spread rows unevenly over the shards.
     */
    static List<TableSpec> measurements() {
        return List.of(partitioned("measurements", List.of(), "station VARCHAR", "measure DOUBLE"));
    }

    /**
     * The edge-case dataset (see {@link EdgeCaseGenerator}): {@code edge_facts}, {@code edge_events} (co-partitioned
     * with the facts on their id), the tiny {@code edge_tiny} (fewer rows than shards) and the empty
     * {@code edge_empty}, all partitioned by a BIGINT id; the dimension {@code edge_dim} referenced by
     * {@code edge_facts.dim_id}; the replicated {@code edge_colors}. Columns marked NULL may hold NULLs.
     */
    static List<TableSpec> edge() {
        List<TableSpec> t = new ArrayList<>();
        t.add(replicated("edge_colors", "color_id INTEGER", "color VARCHAR NULL"));
        t.add(dimension("edge_dim", List.of(ref("edge_facts", "dim_id", "dim_id")),
                "dim_id BIGINT", "dim_name VARCHAR", "dim_rank INTEGER NULL", "dim_weight DECIMAL(18,2)"));
        t.add(partitioned("edge_facts", List.of("id"),
                "id BIGINT", "grp VARCHAR NULL", "k INTEGER NULL", "n INTEGER NULL", "big BIGINT NULL",
                "amount DECIMAL(18,2) NULL", "precise DECIMAL(38,10) NULL", "f DOUBLE NULL", "g DOUBLE NULL",
                "s VARCHAR NULL", "flag BOOLEAN NULL", "always_null INTEGER NULL", "tags VARCHAR[] NULL",
                "dt DATE NULL", "dim_id BIGINT NULL", "color_id INTEGER NULL"));
        t.add(partitioned("edge_events", List.of("fact_id"),
                "fact_id BIGINT", "ev_no INTEGER", "kind VARCHAR", "qty INTEGER NULL"));
        t.add(partitioned("edge_tiny", List.of("id"), "id BIGINT", "label VARCHAR", "val INTEGER NULL"));
        t.add(partitioned("edge_empty", List.of("id"), "id BIGINT", "val INTEGER NULL", "name VARCHAR NULL"));
        return List.copyOf(t);
    }

    private static TableSpec replicated(String name, String... cols) {
        return new TableSpec(name, TableRole.REPLICATED, List.of(), columns(cols), List.of());
    }

    private static TableSpec dimension(String name, List<Reference> refs, String... cols) {
        return new TableSpec(name, TableRole.DIMENSION, List.of(), columns(cols), refs);
    }

    private static TableSpec partitioned(String name, List<String> key, String... cols) {
        return new TableSpec(name, TableRole.PARTITIONED, key, columns(cols), List.of());
    }

    private static Reference ref(String fromTable, String fromColumn, String toColumn) {
        return new Reference(fromTable, List.of(fromColumn), List.of(toColumn));
    }

    /**
     * Parses {@code "name TYPE"} (NOT NULL) and {@code "name TYPE NULL"} (nullable); the type may contain space-free
     * parentheses like DECIMAL(15,2).
     */
    private static List<ColumnSpec> columns(String... cols) {
        List<ColumnSpec> out = new ArrayList<>(cols.length);
        for (String c : cols) {
            int sp = c.indexOf(' ');
            String type = c.substring(sp + 1);
            boolean nullable = type.endsWith(" NULL");
            out.add(new ColumnSpec(c.substring(0, sp), nullable ? type.substring(0, type.length() - 5) : type, nullable));
        }
        return out;
    }
}
