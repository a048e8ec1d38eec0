package io.mallard.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.mallard.client.IngestOptions;
import io.mallard.client.MallardSqlClient;
import io.mallard.common.ErrorCode;
import io.mallard.common.MallardException;
import io.mallard.common.duck.DuckArrow;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Users, roles and per-table grants on one real cluster, each right checked both ways: the role that has it succeeds,
 * the role without it gets PERMISSION_DENIED naming the right and the table — also when the table is reached through a
 * CTE, a sub-query, EXPLAIN or a system table. Passwords of user statements never reach the history.
 */
class UsersAndGrantsTest {
    private static LocalCluster cluster;
    private static MallardSqlClient admin;
    private static MallardSqlClient reader;
    private static MallardSqlClient writer;
    private static MallardSqlClient granted;

    @BeforeAll
    static void start() throws Exception {
        cluster = LocalCluster.builder().workers(1).shards(2).privateData(true).build();
        admin = cluster.sqlClient();
        admin.query("CREATE TABLE events AS SELECT i AS id, i % 5 AS kind FROM range(100) t(i)");
        admin.query("ALTER TABLE events SET PARTITIONED BY (id)");
        admin.query("CREATE TABLE secret AS SELECT 42 AS code");
        admin.query("CREATE USER rita WITH PASSWORD 'rita-pass-1'");
        admin.query("GRANT reader TO rita");
        admin.query("CREATE USER walt WITH PASSWORD 'walt-pass-1'");
        admin.query("GRANT writer TO walt");
        admin.query("CREATE USER gina WITH PASSWORD 'gina-pass-1'");
        admin.query("GRANT SELECT ON events TO gina");
        reader = cluster.sqlClient("rita", "rita-pass-1");
        writer = cluster.sqlClient("walt", "walt-pass-1");
        granted = cluster.sqlClient("gina", "gina-pass-1");
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            cluster.assertClean();
        } finally {
            for (MallardSqlClient client : new MallardSqlClient[] {granted, writer, reader, admin}) {
                if (client != null) {
                    client.close();
                }
            }
            cluster.close();
        }
    }

    private static MallardException denied(ThrowingCallable call) {
        MallardException e = catchThrowableOfType(MallardException.class, call);
        assertThat(e).as("refused").isNotNull();
        assertThat(e.code()).as(e.getMessage()).isEqualTo(ErrorCode.PERMISSION_DENIED);
        return e;
    }

    private static long single(MallardSqlClient client, String sql) {
        return ((Number) client.query(sql).rows().get(0).get(0)).longValue();
    }

    @Test
    void aReaderReadsButCannotCreateLoadChangeDropOrGrant() throws Exception {
        assertThat(single(reader, "SELECT count(*) FROM events")).isEqualTo(100L);
        assertThat(single(reader, "SELECT code FROM secret")).isEqualTo(42L);

        assertThat(denied(() -> reader.query("CREATE TABLE mine AS SELECT 1 AS x")).getMessage())
                .contains("CREATE TABLE", "mine", "writer", "rita");
        assertThat(denied(() -> reader.query("INSERT INTO events VALUES (1000, 1)")).getMessage())
                .contains("INSERT", "events", "writer");
        assertThat(denied(() -> reader.query("UPDATE events SET kind = 0")).getMessage()).contains("UPDATE", "events");
        assertThat(denied(() -> reader.query("DELETE FROM events")).getMessage()).contains("DELETE", "events");
        assertThat(denied(() -> reader.query("ALTER TABLE events ADD COLUMN note VARCHAR")).getMessage())
                .contains("ALTER TABLE", "events");
        assertThat(denied(() -> reader.query("DROP TABLE events")).getMessage()).contains("DROP TABLE", "events");
        assertThat(denied(() -> ingest(reader, "loaded")).getMessage()).contains("bulk ingest", "loaded", "writer");
        assertThat(denied(() -> reader.query("GRANT SELECT ON secret TO gina")).getMessage()).contains("GRANT", "admin");
        assertThat(denied(() -> reader.query("GRANT writer TO rita")).getMessage()).contains("GRANT", "admin");
        assertThat(single(admin, "SELECT count(*) FROM events")).as("nothing changed").isEqualTo(100L);

        // the writer may do each of them
        writer.query("CREATE TABLE scratch AS SELECT 1 AS x");
        writer.query("INSERT INTO scratch VALUES (2)");
        writer.query("UPDATE scratch SET x = x * 10");
        writer.query("DELETE FROM scratch WHERE x = 10");
        writer.query("ALTER TABLE scratch ADD COLUMN note VARCHAR");
        assertThat(ingest(writer, "scratch")).isEqualTo(3);
        assertThat(writer.query("SELECT x FROM scratch ORDER BY x").rows().toString()).isEqualTo("[[0], [1], [2], [20]]");
        writer.query("DROP TABLE scratch");
    }

    @Test
    void aWriterCannotManageUsers() {
        assertThat(denied(() -> writer.query("CREATE USER mallory WITH PASSWORD 'x-pass'")).getMessage())
                .contains("CREATE USER", "admin", "walt", "writer");
        assertThat(denied(() -> writer.query("DROP USER rita")).getMessage()).contains("DROP USER", "admin");
        assertThat(denied(() -> writer.query("ALTER USER rita WITH PASSWORD 'taken-over'")).getMessage())
                .contains("ALTER USER", "admin");
        assertThat(denied(() -> writer.query("GRANT admin TO walt")).getMessage()).contains("GRANT", "admin");
        assertThat(denied(() -> writer.query("REVOKE reader FROM rita")).getMessage()).contains("REVOKE", "admin");
        assertThat(denied(() -> writer.query("SELECT * FROM mallard.users")).getMessage()).contains("mallard.users");
        assertThat(single(reader, "SELECT 1")).as("rita's password is unchanged").isEqualTo(1L);

        admin.query("CREATE USER temp WITH PASSWORD 'temp-pass-1'");
        assertThat(admin.query("SELECT role, select_grants FROM mallard.users WHERE user_name = 'temp'").rows())
                .isEqualTo(List.of(List.of("none", List.of())));
        admin.query("GRANT writer TO temp");
        admin.query("GRANT SELECT ON secret TO temp");
        MallardException unknown = catchThrowableOfType(MallardException.class,
                () -> admin.query("GRANT SELECT ON no_such_table TO temp"));
        assertThat(unknown.code()).isEqualTo(ErrorCode.TABLE_NOT_FOUND);
        assertThat(admin.query("SELECT role, select_grants FROM mallard.users WHERE user_name = 'temp'").rows())
                .isEqualTo(List.of(List.of("writer", List.of("secret"))));
        admin.query("DROP USER temp");
        assertThat(admin.query("SELECT * FROM mallard.users WHERE user_name = 'temp'").rows()).isEmpty();
        MallardException gone = catchThrowableOfType(MallardException.class, () -> cluster.sqlClient("temp", "temp-pass-1"));
        assertThat(gone.code()).isEqualTo(ErrorCode.AUTHENTICATION_FAILED);
    }

    @Test
    void withoutAGrantATableIsRefusedWhereverTheQueryReachesIt() {
        assertThat(single(granted, "SELECT count(*) FROM events")).isEqualTo(100L);
        assertThat(single(granted, "WITH secret AS (SELECT 7 AS code) SELECT code FROM secret"))
                .as("a CTE named like the table is the CTE").isEqualTo(7L);
        for (String sql : List.of(
                "SELECT code FROM secret",
                "WITH s AS (SELECT code FROM secret) SELECT * FROM s",
                "SELECT count(*) FROM events WHERE id IN (SELECT code FROM secret)",
                "SELECT (SELECT max(code) FROM secret) AS c",
                "SELECT * FROM (SELECT code FROM main.secret) t",
                "SELECT code FROM mallard.main.secret",
                "SELECT id FROM events UNION ALL SELECT code FROM secret",
                "EXPLAIN SELECT code FROM secret",
                "DESCRIBE secret")) {
            MallardException e = denied(() -> granted.query(sql));
            assertThat(e.getMessage()).as(sql).contains("SELECT on table secret", "gina");
        }
        assertThat(denied(() -> granted.prepare("SELECT code FROM secret")).getMessage())
                .as("not even its columns").contains("secret");
        assertThat(denied(() -> granted.query("SELECT * FROM mallard.workers")).getMessage()).contains("mallard.workers");
        assertThat(denied(() -> granted.query("SELECT * FROM mallard.users")).getMessage()).contains("mallard.users");
        assertThat(denied(() -> granted.query("INSERT INTO events VALUES (1, 1)")).getMessage())
                .contains("INSERT", "events", "no role");

        admin.query("GRANT SELECT ON secret TO gina");
        assertThat(single(granted, "WITH s AS (SELECT code FROM secret) SELECT * FROM s")).isEqualTo(42L);
        admin.query("REVOKE SELECT ON secret FROM gina");
        assertThat(denied(() -> granted.query("SELECT code FROM secret")).getMessage()).contains("secret");
    }

    @Test
    void aNonAdminSeesOnlyItsOwnQueriesAndNoPasswordReachesTheHistory() {
        reader.query("SELECT 'rita-was-here' AS marker");
        admin.query("SELECT 'admin-was-here' AS marker");
        assertThat(reader.query("SELECT DISTINCT user_name FROM mallard.queries").rows()).isEqualTo(List.of(List.of("rita")));
        assertThat(reader.query("SELECT count(*) FROM mallard.queries WHERE user_name <> 'rita'").rows())
                .isEqualTo(List.of(List.of(0L)));
        assertThat(admin.query("SELECT count(*) FROM mallard.queries WHERE user_name = 'rita' AND sql LIKE '%rita-was-here%'").rows())
                .as("an admin sees everyone's").isEqualTo(List.of(List.of(1L)));

        admin.query("CREATE USER hidden WITH PASSWORD 'Sekr3t-one'");
        admin.query("ALTER USER hidden WITH PASSWORD 'Sekr3t-two'");
        MallardException malformed = catchThrowableOfType(MallardException.class,
                () -> admin.query("CREATE USER hidden2 WITH PASSWORD 'Sekr3t-three"));
        assertThat(malformed.code()).isEqualTo(ErrorCode.SYNTAX_ERROR);
        assertThat(malformed.getMessage()).doesNotContain("Sekr3t");
        admin.query("DROP USER hidden");
        // the pattern is split: this statement's own text shows in mallard.queries while it runs
        assertThat(admin.query("SELECT count(*) FROM mallard.queries WHERE sql LIKE '%Sekr' || '3t%' "
                + "OR error LIKE '%Sekr' || '3t%'").rows()).isEqualTo(List.of(List.of(0L)));
        assertThat(admin.query("SELECT sql FROM mallard.queries WHERE sql LIKE '%USER hidden%' AND status <> 'running' "
                + "ORDER BY started").rows())
                .isEqualTo(List.of(List.of("CREATE USER hidden WITH PASSWORD '***'"),
                        List.of("ALTER USER hidden WITH PASSWORD '***'"),
                        List.of("CREATE USER hidden2 WITH PASSWORD '***'"), List.of("DROP USER hidden")));
    }

    private static long ingest(MallardSqlClient client, String table) throws Exception {
        try (BufferAllocator allocator = new RootAllocator(); Connection duck = DriverManager.getConnection("jdbc:duckdb:");
                Statement s = duck.createStatement();
                ResultSet rs = s.executeQuery("SELECT CAST(i AS INTEGER) AS x, NULL::VARCHAR AS note FROM range(3) t(i)");
                ArrowReader rows = DuckArrow.export(rs, allocator)) {
            return client.ingest(table, rows, table.equals("scratch") ? IngestOptions.append() : IngestOptions.create());
        }
    }
}
