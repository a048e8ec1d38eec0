package io.mallard.data;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class TpchGeneratorTest {
    private static Connection db;

    @BeforeAll
    static void generate() throws Exception {
        db = TestDb.memory();
        TpchGenerator.generate(db, 0.01);
    }

    @AfterAll
    static void close() throws Exception {
        db.close();
    }

    @Test
    void schemaIsDuckDbsTpchSchema() throws Exception {
        for (TableSpec t : Datasets.tpchTables()) {
            assertThat(TestDb.columns(db, "memory", t.name())).as(t.name()).isEqualTo(t.columns());
        }
        // Spot checks against DuckDB's dbgen.cpp, independent of our own spec list.
        assertThat(TestDb.columns(db, "memory", "lineitem")).startsWith(
                new ColumnSpec("l_orderkey", "BIGINT"), new ColumnSpec("l_partkey", "BIGINT"),
                new ColumnSpec("l_suppkey", "BIGINT"), new ColumnSpec("l_linenumber", "BIGINT"),
                new ColumnSpec("l_quantity", "DECIMAL(15,2)"));
        assertThat(TestDb.columns(db, "memory", "orders")).contains(new ColumnSpec("o_orderdate", "DATE"),
                new ColumnSpec("o_shippriority", "INTEGER"));
        assertThat(TestDb.columns(db, "memory", "nation").get(0)).isEqualTo(new ColumnSpec("n_nationkey", "INTEGER"));
    }

    @Test
    void rowCountsAtScaleFactor001() throws Exception {
        Map<String, Long> expected = Map.of("region", 5L, "nation", 25L, "supplier", 100L, "customer", 1500L,
                "part", 2000L, "partsupp", 8000L, "orders", 15000L);
        for (Map.Entry<String, Long> e : expected.entrySet()) {
            assertThat(TestDb.count(db, "SELECT count(*) FROM " + e.getKey())).as(e.getKey()).isEqualTo(e.getValue());
        }
        assertThat(TestDb.count(db, "SELECT count(*) FROM lineitem")).isBetween(59_000L, 61_000L);
    }

    @Test
    void valuesLookLikeTpch() throws Exception {
        assertThat(TestDb.rows(db, "SELECT min(o_orderdate), max(o_orderdate) FROM orders").get(0))
                .containsExactly("1992-01-01", "1998-08-02");
        assertThat(TestDb.rows(db, "SELECT min(l_quantity), max(l_quantity), min(l_discount), max(l_discount), "
                + "string_agg(DISTINCT l_returnflag, '' ORDER BY l_returnflag) FROM lineitem").get(0))
                .containsExactly("1.00", "50.00", "0.00", "0.10", "ANR");
        // Every line item references an existing order, part and supplier, and partsupp pair.
        assertThat(TestDb.count(db, "SELECT count(*) FROM lineitem WHERE l_orderkey NOT IN (SELECT o_orderkey FROM orders) "
                + "OR l_partkey NOT IN (SELECT p_partkey FROM part) OR l_suppkey NOT IN (SELECT s_suppkey FROM supplier) "
                + "OR NOT EXISTS (SELECT 1 FROM partsupp WHERE ps_partkey = l_partkey AND ps_suppkey = l_suppkey)")).isZero();
        // Money is exact to the cent: l_extendedprice = quantity * retail price of the part.
        assertThat(TestDb.count(db, "SELECT count(*) FROM lineitem JOIN part ON p_partkey = l_partkey "
                + "WHERE l_extendedprice <> l_quantity * p_retailprice")).isZero();
    }
}
