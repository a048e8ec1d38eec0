package io.mallard.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.mallard.client.MallardSqlClient;
import io.mallard.common.ErrorCode;
import io.mallard.common.MallardException;
import io.mallard.common.rows.QueryRows;
import io.mallard.oracle.Oracle;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import org.duckdb.DuckDBConnection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every table statement through the Flight SQL endpoint, each compared with one DuckDB that runs the same statements
 * (without Mallard's distribution statements): creating, distributing, loading, changing, renaming and dropping
 * tables, and the errors a user makes. One private cluster for the class; each test uses tables of its own.
 */
class TableStatementsTest {
    private static LocalCluster cluster;
    private static MallardSqlClient client;
    private static Connection duck;
    private static Oracle oracle;

    @BeforeAll
    static void start() throws Exception {
        cluster = LocalCluster.builder().workers(2).shards(4).privateData(true).build();
        client = cluster.sqlClient();
        duck = DriverManager.getConnection("jdbc:duckdb:");
        oracle = Oracle.over(duck);
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            cluster.assertClean();
        } finally {
            oracle.close();
            duck.close();
            client.close();
            cluster.close();
        }
    }

    /** Runs {@code sql} on both; returns Mallard's Count. */
    private static long both(String sql) throws Exception {
        try (Statement s = duck.createStatement()) {
            s.execute(sql);
        }
        QueryRows rows = client.query(sql);
        return ((Number) rows.rows().get(0).get(0)).longValue();
    }

    private static void same(String query) throws Exception {
        assertThat(oracle.difference(query, client.query(query))).as(query).isEmpty();
    }

    private static MallardException fails(String sql) {
        MallardException e = catchThrowableOfType(MallardException.class, () -> client.query(sql));
        assertThat(e).as("%s must fail", sql).isNotNull();
        return e;
    }

    @Test
    void aPartitionedTableIsCreatedLoadedAndJoinedShardLocallyWithItsCoPartitionedPeer() throws Exception {
        both("CREATE TABLE events (device_id VARCHAR, ts TIMESTAMP, temp DOUBLE)");
        both("CREATE TABLE devices (device_id VARCHAR, site VARCHAR)");
        client.query("ALTER TABLE events SET PARTITIONED BY (device_id)");
        client.query("ALTER TABLE devices SET PARTITIONED BY (device_id)");
        assertThat(both("INSERT INTO events SELECT 'd' || (i % 37), TIMESTAMP '2026-01-01' + INTERVAL (i) MINUTE, "
                + "i / 10.0 FROM range(5000) r(i)")).isEqualTo(5000);
        assertThat(both("INSERT INTO devices SELECT 'd' || i, 'site' || (i % 4) FROM range(37) r(i)")).isEqualTo(37);
        String join = "SELECT site, count(*), avg(temp) FROM events e JOIN devices d ON e.device_id = d.device_id "
                + "GROUP BY site ORDER BY site";
        assertThat(client.explain(join)).contains("PUSHDOWN_AGG"); // co-partitioned on device_id: joined on the shards
        same(join);
        same("SELECT device_id, max(ts) FROM events GROUP BY ALL ORDER BY 1 LIMIT 5");
        QueryRows tables = client.query("SHOW TABLES");
        assertThat(tables.rows()).extracting(r -> r.get(0)).contains("events", "devices", "lineitem");
        QueryRows described = client.query("DESCRIBE events");
        assertThat(described.rows()).extracting(r -> r.get(0), r -> r.get(1))
                .containsExactly(org.assertj.core.groups.Tuple.tuple("device_id", "VARCHAR"),
                        org.assertj.core.groups.Tuple.tuple("ts", "TIMESTAMP"),
                        org.assertj.core.groups.Tuple.tuple("temp", "DOUBLE"));
    }

    @Test
    void createTableAsCopiesAQueryOverMallardTables() throws Exception {
        try (Statement s = duck.createStatement()) {
            s.execute("CREATE TABLE nation_copy_src AS SELECT * FROM (VALUES (1, 'a'), (2, 'b')) v(k, name)");
        }
        client.query("CREATE TABLE nation_copy_src AS SELECT * FROM (VALUES (1, 'a'), (2, 'b')) v(k, name)");
        assertThat(both("CREATE TABLE ctas AS SELECT k * 10 AS k10, upper(name) AS up FROM nation_copy_src")).isEqualTo(2);
        same("SELECT * FROM ctas ORDER BY k10");
        assertThat(fails("CREATE TABLE ctas AS SELECT 1").getMessage()).contains("already exists");
        assertThat(both("CREATE TABLE IF NOT EXISTS ctas (x INTEGER)")).isZero();
    }

    @Test
    void columnsAreAddedAndRenamedAndOldFilesReadTheNewColumnAsNull() throws Exception {
        both("CREATE TABLE evolving (a INTEGER, b VARCHAR)");
        both("INSERT INTO evolving VALUES (1, 'one'), (2, 'two')");
        both("ALTER TABLE evolving ADD COLUMN c DOUBLE");
        both("INSERT INTO evolving VALUES (3, 'three', 3.5)");
        both("ALTER TABLE evolving RENAME COLUMN b TO label");
        both("UPDATE evolving SET c = a * 2 WHERE c IS NULL AND a = 1");
        same("SELECT * FROM evolving ORDER BY a");
        both("ALTER TABLE evolving RENAME TO evolved");
        same("SELECT label, c FROM evolved ORDER BY a");
        assertThat(fails("SELECT * FROM evolving").code()).isEqualTo(ErrorCode.TABLE_NOT_FOUND);
    }

    @Test
    void aDroppedColumnIsGoneAndOneAddedAgainUnderItsNameStartsEmpty() throws Exception {
        both("CREATE TABLE shrinking (k INTEGER, a VARCHAR, b DOUBLE, c INTEGER)");
        client.query("ALTER TABLE shrinking SET PARTITIONED BY (k)");
        both("INSERT INTO shrinking SELECT i, 'a' || i, i / 4, i % 7 FROM range(200) r(i)");
        both("ALTER TABLE shrinking DROP COLUMN b");
        same("SELECT * FROM shrinking ORDER BY k");
        both("INSERT INTO shrinking VALUES (1000, 'late', 3)");
        both("UPDATE shrinking SET c = c + 100 WHERE k % 5 = 0");
        both("DELETE FROM shrinking WHERE k % 11 = 0");
        both("ALTER TABLE shrinking ADD COLUMN b VARCHAR"); // a new column: the dropped one's values do not come back
        both("ALTER TABLE shrinking DROP a");
        both("ALTER TABLE shrinking DROP COLUMN IF EXISTS a");
        same("SELECT * FROM shrinking ORDER BY k");
        same("SELECT count(b), sum(c) FROM shrinking");
        client.query("CALL mallard_compact('shrinking')");
        same("SELECT * FROM shrinking ORDER BY k");

        MallardException missing = fails("ALTER TABLE shrinking DROP COLUMN a");
        assertThat(missing.code()).isEqualTo(ErrorCode.BINDER_ERROR);
        assertThat(missing.getMessage()).contains("\"a\"");
        MallardException key = fails("ALTER TABLE shrinking DROP COLUMN k");
        assertThat(key.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
        assertThat(key.getMessage()).contains("shard key");
        both("CREATE TABLE single (sole INTEGER)");
        assertThat(fails("ALTER TABLE single DROP COLUMN sole").getMessage()).contains("one column remaining");
        both("CREATE TABLE kinds (kind INTEGER, label VARCHAR)");
        client.query("ALTER TABLE kinds SET DIMENSION (kind) REFERENCED BY shrinking (c)");
        assertThat(fails("ALTER TABLE shrinking DROP COLUMN c").getMessage()).contains("dimension table kinds");
        assertThat(fails("ALTER TABLE kinds DROP COLUMN kind").getMessage()).contains("dimension table kinds");
        assertThat(fails("ALTER TABLE kinds RENAME COLUMN kind TO k").getMessage()).contains("dimension table kinds");
        same("SELECT * FROM shrinking ORDER BY k");
        same("SELECT * FROM kinds");
    }

    /** Runs a change on both and asserts that both changed as many rows. */
    private static void changes(String sql) throws Exception {
        long expected;
        try (Statement s = duck.createStatement()) {
            expected = s.executeUpdate(sql);
        }
        assertThat(((Number) client.query(sql).rows().get(0).get(0)).longValue()).as(sql).isEqualTo(expected);
    }

    @Test
    void updateFromAndDeleteUsingJoinOtherTablesAsOneDuckDbDoes() throws Exception {
        both("CREATE TABLE accounts (id INTEGER, owner VARCHAR, balance DECIMAL(12,2))");
        both("CREATE TABLE moves (id INTEGER, amount DECIMAL(12,2))");
        both("CREATE TABLE owners (owner VARCHAR, region VARCHAR)");
        client.query("ALTER TABLE accounts SET PARTITIONED BY (id)");
        client.query("ALTER TABLE moves SET PARTITIONED BY (id)");
        client.query("ALTER TABLE owners SET REPLICATED");
        both("INSERT INTO accounts SELECT i, 'owner' || (i % 9), i * 10 FROM range(400) r(i)");
        both("INSERT INTO moves SELECT i * 3, (i % 13) - 4 FROM range(100) r(i)");
        both("INSERT INTO moves SELECT i * 6, 1 FROM range(20) r(i)"); // ids matched twice
        both("INSERT INTO owners SELECT 'owner' || i, CASE WHEN i < 4 THEN 'north' ELSE 'south' END FROM range(9) r(i)");

        // co-partitioned on the key, a row matched by one move: the move's amount
        changes("UPDATE accounts SET balance = balance + m.amount FROM moves m WHERE accounts.id = m.id "
                + "AND m.id % 6 <> 0");
        // matched twice: changed once (a value that does not depend on which match)
        changes("UPDATE accounts AS a SET owner = upper(a.owner) FROM moves WHERE a.id = moves.id AND moves.id % 6 = 0");
        // a replicated table, with no condition on the key
        changes("UPDATE accounts SET owner = accounts.owner || '@' || o.region FROM owners o WHERE accounts.owner = o.owner "
                + "AND accounts.id % 5 = 0");
        same("SELECT * FROM accounts ORDER BY id");
        changes("DELETE FROM accounts USING moves WHERE accounts.id = moves.id AND moves.amount < 0");
        changes("DELETE FROM accounts a USING owners o, moves m WHERE a.owner = o.owner AND o.region = 'north' "
                + "AND a.id = m.id");
        same("SELECT * FROM accounts ORDER BY id");
        same("SELECT count(*), sum(balance) FROM accounts");

        // not on the shard key: refused at the tables, nothing changed
        MallardException elsewhere = fails("DELETE FROM accounts USING moves WHERE accounts.balance = moves.amount");
        assertThat(elsewhere.code()).as(elsewhere.getMessage()).isEqualTo(ErrorCode.NOT_DISTRIBUTED_YET);
        assertThat(elsewhere.position()).hasValue("DELETE FROM accounts USING ".length());
        // a replicated table changed by what partitioned tables hold: its rows are found by a query like any other
        changes("UPDATE owners SET region = 'east' WHERE owner IN (SELECT owner FROM accounts WHERE id = 8)");
        changes("UPDATE owners SET region = owners.region || '/' || a.id FROM accounts a "
                + "WHERE owners.owner = a.owner AND a.id BETWEEN 10 AND 11");
        changes("DELETE FROM owners USING accounts WHERE owners.owner = accounts.owner AND accounts.id = 14");
        same("SELECT * FROM owners ORDER BY owner");
        MallardException unknown = fails("UPDATE accounts SET balance = 0 FROM nowhere WHERE accounts.id = nowhere.id");
        assertThat(unknown.code()).isEqualTo(ErrorCode.TABLE_NOT_FOUND);
        same("SELECT * FROM accounts ORDER BY id");
    }

    @Test
    void defaultsFillWhatAnInsertLeavesOutAndWhatOlderRowsLack() throws Exception {
        both("CREATE TABLE defaulted (k INTEGER, label VARCHAR DEFAULT 'none', n DECIMAL(8,2) DEFAULT 2.5 * 2, "
                + "tags VARCHAR[] DEFAULT ['a', 'b'], day DATE DEFAULT DATE '2026-01-01' + 3)");
        client.query("ALTER TABLE defaulted SET PARTITIONED BY (k)");
        both("INSERT INTO defaulted (k) SELECT i FROM range(50) r(i)");
        both("INSERT INTO defaulted (k, label) VALUES (100, 'given'), (101, NULL)");
        both("INSERT INTO defaulted VALUES (102, 'all', 1, [], DATE '2020-02-02')");
        same("SELECT * FROM defaulted ORDER BY k");
        // rows written before the column read its DEFAULT, as in one DuckDB; later inserts too
        both("ALTER TABLE defaulted ADD COLUMN score INTEGER DEFAULT 7");
        both("INSERT INTO defaulted (k, n) VALUES (200, 0)");
        both("UPDATE defaulted SET label = DEFAULT, score = score + k WHERE k % 10 = 0");
        same("SELECT * FROM defaulted ORDER BY k");
        client.query("ALTER TABLE defaulted RENAME COLUMN score TO points");
        try (Statement s = duck.createStatement()) {
            s.execute("ALTER TABLE defaulted RENAME COLUMN score TO points");
        }
        both("INSERT INTO defaulted (k) VALUES (300)");
        both("INSERT INTO defaulted VALUES (400, DEFAULT, 3, DEFAULT, DEFAULT, DEFAULT), (401, 'x', DEFAULT, [], NULL, 1)");
        both("INSERT INTO defaulted (points, k) VALUES (DEFAULT, 402), (5, 403)");
        both("INSERT INTO defaulted DEFAULT VALUES");
        client.query("CALL mallard_compact('defaulted')");
        same("SELECT * FROM defaulted ORDER BY k");
        same("SELECT points, count(*) FROM defaulted GROUP BY ALL ORDER BY ALL");
        same("DESCRIBE defaulted");
    }

    @Test
    void replicatedAndDimensionTablesAnswerJoinsLikeOneDuckDb() throws Exception {
        both("CREATE TABLE sales (id BIGINT, store_id INTEGER, amount DECIMAL(10,2))");
        both("CREATE TABLE stores (store_id INTEGER, city VARCHAR)");
        both("CREATE TABLE colors (c INTEGER, name VARCHAR)");
        client.query("ALTER TABLE sales SET PARTITIONED BY (id)");
        client.query("ALTER TABLE stores SET DIMENSION (store_id) REFERENCED BY sales (store_id)");
        client.query("ALTER TABLE colors SET REPLICATED");
        both("INSERT INTO stores SELECT i, 'city' || i FROM range(20) r(i)");
        both("INSERT INTO colors VALUES (0, 'red'), (1, 'green')");
        both("INSERT INTO sales SELECT i, i % 23, (i % 100) / 4.0 FROM range(3000) r(i)");
        same("SELECT city, sum(amount), count(*) FROM sales JOIN stores USING (store_id) GROUP BY city ORDER BY city");
        same("SELECT name, count(*) FROM sales JOIN colors ON sales.id % 2 = colors.c GROUP BY name ORDER BY name");
        // stores 20–22 arrive after the sales that reference them: each shard must get them once
        both("INSERT INTO stores VALUES (20, 'late'), (21, 'later'), (22, 'latest')");
        same("SELECT city, count(*) FROM sales JOIN stores USING (store_id) GROUP BY city ORDER BY city");
        both("UPDATE stores SET city = upper(city) WHERE store_id < 5");
        both("DELETE FROM stores WHERE store_id = 7");
        same("SELECT city, count(*) FROM sales JOIN stores USING (store_id) GROUP BY city ORDER BY city");
        same("SELECT * FROM stores ORDER BY store_id");
    }

    @Test
    void aChangedShardKeyMovesTheRowsAndKeepsThemAll() throws Exception {
        both("CREATE TABLE rekeyed (k INTEGER, v VARCHAR)");
        both("INSERT INTO rekeyed SELECT i, 'v' || i FROM range(1000) r(i)");
        client.query("ALTER TABLE rekeyed SET PARTITIONED BY (k)");
        same("SELECT count(*), sum(k), count(DISTINCT v) FROM rekeyed");
        both("UPDATE rekeyed SET k = k + 1000 WHERE k % 3 = 0");
        same("SELECT k % 7, count(*) FROM rekeyed GROUP BY 1 ORDER BY 1");
        client.query("ALTER TABLE rekeyed SET REPLICATED");
        same("SELECT count(*), sum(k) FROM rekeyed");
    }

    @Test
    void truncateAndDropRemoveEverything() throws Exception {
        both("CREATE TABLE temporary_rows (x INTEGER)");
        both("INSERT INTO temporary_rows SELECT * FROM range(100)");
        assertThat(both("TRUNCATE temporary_rows")).isEqualTo(100);
        same("SELECT count(*) FROM temporary_rows");
        both("DROP TABLE temporary_rows");
        assertThat(fails("SELECT * FROM temporary_rows").code()).isEqualTo(ErrorCode.TABLE_NOT_FOUND);
        assertThat(both("DROP TABLE IF EXISTS temporary_rows")).isZero();
    }

    @Test
    void mistakesGetClearErrorsAndChangeNothing() throws Exception {
        both("CREATE TABLE strict (n INTEGER NOT NULL, s VARCHAR)");
        both("INSERT INTO strict VALUES (1, 'a')");
        MallardException type = fails("INSERT INTO strict VALUES ('not a number', 'b')");
        assertThat(type.code()).as(type.getMessage()).isEqualTo(ErrorCode.EXECUTION_ERROR);
        assertThat(type.getMessage()).contains("not a number");
        MallardException width = fails("INSERT INTO strict VALUES (1, 'b', 'extra')");
        assertThat(width.code()).isEqualTo(ErrorCode.BINDER_ERROR);
        assertThat(fails("INSERT INTO strict (nope) VALUES (1)").getMessage()).contains("nope");
        assertThat(fails("INSERT INTO missing VALUES (1)").code()).isEqualTo(ErrorCode.TABLE_NOT_FOUND);
        assertThat(fails("UPDATE strict SET nope = 1").getMessage()).contains("nope");
        MallardException syntax = fails("CREATE TABLE broken (a INTEGR)");
        assertThat(syntax.getMessage()).containsIgnoringCase("INTEGR");
        MallardException notNull = fails("INSERT INTO strict VALUES (NULL, 'c')");
        assertThat(notNull.code()).isEqualTo(ErrorCode.EXECUTION_ERROR);
        MallardException volatileDefault = fails("CREATE TABLE defaults (a INTEGER, t TIMESTAMP DEFAULT now())");
        assertThat(volatileDefault.code()).isEqualTo(ErrorCode.UNSUPPORTED_STATEMENT);
        assertThat(volatileDefault.getMessage()).contains("now").contains("not a constant");
        assertThat(fails("ALTER TABLE strict ADD COLUMN r DOUBLE DEFAULT random()").code())
                .isEqualTo(ErrorCode.UNSUPPORTED_STATEMENT);
        MallardException replace = fails("CREATE OR REPLACE TABLE strict (n INTEGER)");
        assertThat(replace.code()).isEqualTo(ErrorCode.UNSUPPORTED_STATEMENT);
        assertThat(replace.getMessage()).contains("CREATE OR REPLACE").contains("DROP TABLE it first");
        for (String unsupported : List.of("INSERT INTO strict VALUES (2, 'r') RETURNING *",
                "INSERT INTO strict BY NAME SELECT 3 AS n")) {
            assertThat(fails(unsupported).code()).as(unsupported).isEqualTo(ErrorCode.UNSUPPORTED_STATEMENT);
        }
        // a table without a shard key joined with itself: no shard has both sides of every pair
        for (String notShardLocal : List.of("DELETE FROM strict USING strict AS s2 WHERE strict.n = s2.n",
                "UPDATE strict SET s = t.s FROM strict AS t WHERE strict.n = t.n")) {
            assertThat(fails(notShardLocal).code()).as(notShardLocal).isEqualTo(ErrorCode.NOT_DISTRIBUTED_YET);
        }
        // each shard would see its own rows only: refused, not answered per shard
        MallardException perShard = fails("UPDATE strict SET n = (SELECT max(n) + 1 FROM strict)");
        assertThat(perShard.code()).as(perShard.getMessage()).isEqualTo(ErrorCode.NOT_DISTRIBUTED_YET);
        assertThat(fails("ALTER TABLE strict SET PARTITIONED BY (nope)").getMessage()).contains("nope");
        same("SELECT * FROM strict ORDER BY n");
        same("DESCRIBE strict"); // NOT NULL as defined
        assertThat(client.query("SELECT count(*) FROM mallard.queries WHERE contains(sql, 'not a number') AND status = 'failed'")
                .rows().get(0).get(0)).isEqualTo(1L);
    }

    /** DuckDB's JDBC driver names an ENUM result column's type without its values; the answer must not depend on it. */
    @Test
    void anEnumColumnIsReadLikeOneDuckDbReadsIt() throws Exception {
        both("CREATE TABLE moods (k INTEGER, mood ENUM('sad', 'ok', 'happy'))");
        both("INSERT INTO moods VALUES (1, 'ok'), (2, 'happy'), (3, NULL), (4, 'ok'), (5, 'sad')");
        client.query("ALTER TABLE moods SET PARTITIONED BY (k)");
        same("SELECT * FROM moods ORDER BY k");
        same("SELECT mood, count(*) FROM moods GROUP BY mood ORDER BY mood");
        same("SELECT CAST('sad' AS ENUM('sad', 'ok')) AS constant");
        same("SELECT k FROM moods WHERE mood > 'sad' ORDER BY k");
    }

    /**
     * DuckDB (2.0.0) fails with an internal error when it imports an Arrow list of ENUMs whose lists are all empty or
     * NULL, and then refuses every statement on that database. A worker's answer with ENUMs inside a list is refused
     * with a clear error before the coordinator's DuckDB sees it, pushed down or gathered; the cast the error suggests
     * answers; the queries after it are answered.
     */
    @Test
    void enumsInsideListsAreRefusedBeforeTheyCanBreakTheCoordinatorsDuckDb() throws Exception {
        both("CREATE TABLE empty_tags (k INTEGER, tags ENUM('a', 'b')[])");
        both("INSERT INTO empty_tags VALUES (1, []), (2, NULL), (3, [])");
        both("CREATE TABLE tallies AS SELECT i AS k, i % 7 AS n FROM range(100) t(i)");
        for (String sql : List.of("SELECT * FROM empty_tags ORDER BY k", "SELECT DISTINCT tags FROM empty_tags")) {
            MallardException refused = fails(sql);
            assertThat(refused.code()).as(refused.getMessage()).isEqualTo(ErrorCode.NOT_DISTRIBUTED_YET);
            assertThat(refused.getMessage()).contains("tags::VARCHAR[]");
            same("SELECT k, tags::VARCHAR[] AS tags FROM empty_tags ORDER BY k");
            same("SELECT n, count(*), sum(k) FROM tallies GROUP BY n ORDER BY n");
            same("SELECT DISTINCT n FROM tallies ORDER BY n");
        }
    }

    @Test
    void aReferenceDatabaseDuckDbInvalidatedIsBuiltAnewAndTheNextStatementsAnswerAsBefore() throws Exception {
        both("CREATE TABLE shelf (k INTEGER, name VARCHAR)");
        client.query("ALTER TABLE shelf SET REPLICATED");
        both("INSERT INTO shelf VALUES (1, 'one'), (2, 'two'), (3, 'three')");
        both("CREATE TABLE stock AS SELECT i AS id, i % 4 AS k FROM range(1000) t(i)");
        List<String> queries = List.of("SELECT * FROM shelf ORDER BY k",
                "SELECT s.name, count(*), sum(t.id) FROM stock t JOIN shelf s ON t.k = s.k GROUP BY s.name ORDER BY s.name",
                "SELECT k, name FROM shelf WHERE k = (SELECT max(k) FROM shelf)",
                "SELECT t.k, s.name FROM stock t LEFT JOIN shelf s ON t.k = s.k WHERE t.id < 8 ORDER BY t.id");
        for (String query : queries) {
            same(query);
        }
        // DuckDB's own internal error on a connection of the reference database invalidates that database
        try (DuckDBConnection broken = cluster.coordinator().reference().connect()) {
            DuckDbFailures.invalidate(broken);
        }
        for (String query : queries) {
            same(query);
        }
        assertThat(both("INSERT INTO shelf VALUES (4, 'four')")).isEqualTo(1);
        for (String query : queries) {
            same(query);
        }
    }

    @Test
    void theGeneratedTablesAreOrdinaryTables() throws Exception {
        // lineitem and orders were loaded through the same writer: they can be described like any table
        QueryRows described = client.query("DESCRIBE lineitem");
        assertThat(described.rows()).extracting(r -> r.get(0)).startsWith("l_orderkey", "l_partkey");
        assertThat(List.of(client.explain("SELECT count(*) FROM lineitem JOIN orders ON l_orderkey = o_orderkey")))
                .anyMatch(plan -> plan.contains("PUSHDOWN_AGG"));
    }
}
