package io.mallard.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mallard.common.security.ResourceLimits;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ShardDatabaseTest {
    /** A join shaped like TPC-H Q12's on one shard: an aggregate over orders joined with lineitem on the shard key. */
    private static final String JOIN = "SELECT l_shipmode, sum(CASE WHEN o_orderpriority = '1-URGENT' THEN 1 ELSE 0 END)"
            + " FROM orders, lineitem WHERE o_orderkey = l_orderkey AND l_shipmode = 'MAIL' GROUP BY l_shipmode";

    @TempDir
    static Path dir;
    static Path file;

    @BeforeAll
    static void writeShard() throws SQLException {
        file = dir.resolve("shard.duckdb");
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:" + file); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE orders (o_orderkey BIGINT, o_orderpriority VARCHAR)");
            s.execute("INSERT INTO orders SELECT k, CASE WHEN k % 5 = 0 THEN '1-URGENT' ELSE '3-MEDIUM' END"
                    + " FROM range(1, 100000) t(k) WHERE hash(k) % 8 = 0"); // one of eight hash partitions
            s.execute("CREATE TABLE lineitem (l_orderkey BIGINT, l_shipmode VARCHAR)");
            s.execute("INSERT INTO lineitem SELECT o_orderkey, CASE WHEN i % 7 = 0 THEN 'MAIL' ELSE 'TRUCK' END"
                    + " FROM orders, range(4) r(i)");
        }
    }

    @Test
    void duckDbsDefaultPushesAPartialAggregateBelowTheShardsJoin() throws SQLException {
        Properties readOnly = new Properties();
        readOnly.setProperty("duckdb.read_only", "true");
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:" + file, readOnly)) {
            assertThat(plan(c)).contains("EXPORT_STATE"); // the premise of the setting below
        }
    }

    @Test
    void aShardRunsTheJoinWithoutThePartialAggregatePushdown() throws SQLException {
        try (ShardDatabase shard = new ShardDatabase("s-000", file, new ResourceLimits(2, 1L << 30), 2, 1);
                Connection c = shard.connect()) {
            assertThat(plan(c)).doesNotContain("EXPORT_STATE");
            assertThat(setting(c, "disabled_optimizers")).contains("partial_aggregate_pushdown");
            assertThat(answer(c)).isEqualTo(expected());
        }
    }

    @Test
    void aShardIsReadOnlyAndItsSettingsAreLocked() throws SQLException {
        try (ShardDatabase shard = new ShardDatabase("s-000", file, new ResourceLimits(2, 1L << 30), 1, 1);
                Connection c = shard.connect()) {
            assertThat(setting(c, "enable_external_access")).isEqualTo("false");
            assertThat(setting(c, "threads")).isEqualTo("1"); // its share of the worker's CPUs, not all of them
            assertThatThrownBy(() -> execute(c, "SET threads = 2")).hasMessageContaining("lock");
            assertThatThrownBy(() -> execute(c, "SET disabled_optimizers = ''")).hasMessageContaining("lock");
            assertThatThrownBy(() -> execute(c, "DELETE FROM orders")).hasMessageContaining("read-only");
        }
    }

    private static void execute(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private static String expected() throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement s = c.createStatement()) {
            s.execute("ATTACH '" + file + "' AS f (READ_ONLY)");
            s.execute("USE f");
            return answer(c);
        }
    }

    private static String plan(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("EXPLAIN " + JOIN)) {
            rs.next();
            return rs.getString(2);
        }
    }

    private static String answer(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(JOIN)) {
            rs.next();
            return rs.getString(1) + "=" + rs.getLong(2);
        }
    }

    private static String setting(Connection c, String name) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT current_setting('" + name + "')::VARCHAR")) {
            rs.next();
            return rs.getString(1);
        }
    }
}
