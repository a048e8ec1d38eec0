package io.mallard.coordinator.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.mallard.common.ErrorCode;
import io.mallard.common.MallardException;
import io.mallard.protocol.Messages;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The system-table route reaches only the {@code mallard.*} views, filtered per user: a statement that also names the
 * unfiltered history, a DuckDB table function or system view, or a function reading settings is refused before it
 * runs in the metadata database, for every role; the cluster's workers and shards are for admins.
 */
class SystemTablesReachTest {
    private static final SystemTables.Viewer ALICE = new SystemTables.Viewer("alice", false, "s-alice");
    private static final SystemTables.Viewer ADMIN = new SystemTables.Viewer("admin", true, "s-admin");
    private static final Messages.ClusterStatus CLUSTER = new Messages.ClusterStatus(
            List.of(new Messages.WorkerView("w-1", "edge-7", "trusted", List.of("shard-000"), List.of("shard-000"), 0, 4,
                    1L << 30, 0, "0.1.0", "10.0.0.7:4242")),
            List.of(new Messages.ShardView("shard-000", 2, 4096, List.of("w-1"))));

    @TempDir
    static Path dir;
    private static BufferAllocator allocator;
    private static MetadataStore store;
    private static SystemTables system;

    @BeforeAll
    static void open() throws Exception {
        allocator = new RootAllocator();
        store = MetadataStore.open(dir.resolve("metadata.duckdb"));
        system = new SystemTables(store, () -> CLUSTER, List::of,
                new SystemTables.CatalogSource(List::of, after -> List.of()), allocator);
        store.record(query("q-admin", "admin", "SELECT 'the admin''s secret'"));
        store.record(query("q-alice", "alice", "SELECT 'alice''s own'"));
    }

    @AfterAll
    static void close() {
        store.close();
        allocator.close();
    }

    private static QueryRecord query(String id, String user, String sql) {
        return new QueryRecord(id, sql, user, "s-" + user, Instant.parse("2026-12-06T10:00:00Z"), 1, null, 1, "finished",
                null, null);
    }

    @Test
    void aNonAdminSeesOnlyTheirOwnQueries() throws Exception {
        String sql = "SELECT user_name, sql FROM mallard.queries ORDER BY query_id";
        assertThat(system.reads(sql)).isTrue();
        assertThat(SystemRows.of(system, sql, ALICE)).containsExactly(List.of("alice", "SELECT 'alice''s own'"));
        assertThat(SystemRows.of(system, sql, ADMIN)).containsExactly(List.of("admin", "SELECT 'the admin''s secret'"),
                List.of("alice", "SELECT 'alice''s own'"));
        String cte = "WITH mine AS (SELECT * FROM mallard.queries) SELECT count(*) FROM mine, (VALUES (1)) AS v(x)";
        assertThat(system.reads(cte)).isTrue();
        assertThat(SystemRows.of(system, cte, ALICE)).containsExactly(List.of(1L));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "SELECT user_name, sql FROM mallard.queries UNION ALL SELECT user_name, sql FROM query_table('history.queries')",
        "SELECT sql FROM mallard.queries UNION ALL SELECT sql FROM query('SELECT sql FROM history.queries')",
        "SELECT * FROM mallard.queries WHERE user_name IN (SELECT user_name FROM history.queries)",
        "SELECT (SELECT max(sql) FROM live.queries) FROM mallard.tables",
        "SELECT * FROM mallard.queries UNION ALL (WITH h AS (SELECT * FROM history.queries) SELECT * FROM h)",
        "SELECT * FROM mallard.tables, metadata.history.queries",
        "SELECT * FROM mallard.queries, duckdb_tables()",
        "SELECT sql FROM duckdb_views() WHERE EXISTS (SELECT 1 FROM mallard.queries)",
        "SELECT path FROM duckdb_databases(), mallard.tables",
        "SELECT * FROM mallard.tables, duckdb_databases",
        "SELECT * FROM mallard.tables, pg_catalog.pg_settings",
        "SELECT * FROM mallard.tables, information_schema.tables",
        "SELECT value FROM duckdb_settings() JOIN mallard.coordinator ON true",
        "SELECT * FROM mallard.tables, range(3)",
        // a CTE named like a system view covers only its own scope, not a reference beside it
        "SELECT * FROM mallard.tables, (WITH duckdb_databases AS (SELECT 1 AS x) SELECT x FROM duckdb_databases), "
                + "duckdb_databases",
        "SELECT * FROM mallard.queries, lineitem",
    })
    void statementsThatReachBeyondTheSystemViewsAreRefusedForEveryRole(String sql) {
        MallardException e = catchThrowableOfType(MallardException.class, () -> system.reads(sql));
        assertThat(e).as(sql).isNotNull();
        assertThat(e.code()).as(e.getMessage()).isEqualTo(ErrorCode.UNSUPPORTED_STATEMENT);
        assertThat(e.getMessage()).contains("reads only them");
        assertThat(e.position()).as("the position of what it cannot read").isPresent();
    }

    @Test
    void functionsThatReadTheServersSettingsAreRefused() {
        String sql = "SELECT current_setting('temp_directory') FROM mallard.tables";
        MallardException e = catchThrowableOfType(MallardException.class, () -> system.reads(sql));
        assertThat(e.code()).as(e.getMessage()).isEqualTo(ErrorCode.PERMISSION_DENIED);
        assertThat(sql.substring(e.position().getAsInt())).startsWith("current_setting(");
    }

    @Test
    void workersAndShardsAreForAdmins() throws Exception {
        for (String sql : List.of("SELECT worker_id, address FROM mallard.workers",
                "SELECT shard_id, replicas FROM mallard.shards", "SELECT * FROM mallard.queries, mallard.workers")) {
            assertThat(system.reads(sql)).isTrue();
            MallardException e = catchThrowableOfType(MallardException.class, () -> SystemRows.of(system, sql, ALICE));
            assertThat(e).as(sql).isNotNull();
            assertThat(e.code()).isEqualTo(ErrorCode.PERMISSION_DENIED);
            assertThat(e.getMessage()).contains("only admins").contains("alice");
            MallardException described = catchThrowableOfType(MallardException.class,
                    () -> system.describe(sql, ALICE, prepared -> prepared.getMetaData().getColumnCount()));
            assertThat(described.code()).isEqualTo(ErrorCode.PERMISSION_DENIED);
        }
        assertThat(SystemRows.of(system, "SELECT worker_id, name, address FROM mallard.workers", ADMIN))
                .containsExactly(List.of("w-1", "edge-7", "10.0.0.7:4242"));
        assertThat(SystemRows.of(system, "SELECT shard_id, files, size_bytes, state FROM mallard.shards", ADMIN))
                .containsExactly(List.of("shard-000", 2, 4096L, "served"));
    }
}
