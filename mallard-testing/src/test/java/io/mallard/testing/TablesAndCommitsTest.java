package io.mallard.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.mallard.client.MallardSqlClient;
import io.mallard.common.rows.QueryRows;
import io.mallard.data.table.DataFile;
import io.mallard.data.table.Snapshot;
import io.mallard.data.table.TableDef;
import io.mallard.oracle.Oracle;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code mallard.tables} and {@code mallard.commits} over Flight SQL: each table's role, key, size and last change, and
 * one commit log line per change with the rows the statement reported, checked against one DuckDB given the same
 * statements.
 */
class TablesAndCommitsTest {
    private static final String[] STATEMENTS = {
        "CREATE TABLE ev (id BIGINT, dev VARCHAR, v DOUBLE)",
        "INSERT INTO ev SELECT i, 'd' || (i % 7), i / 10 FROM range(1, 501) t(i)",
        "DELETE FROM ev WHERE id % 5 = 0",
        "UPDATE ev SET v = v + 1 WHERE dev = 'd3'",
        "CREATE TABLE colors (k INTEGER, name VARCHAR)",
        "INSERT INTO colors VALUES (1, 'red'), (2, 'green'), (3, 'blue')",
        "CREATE TABLE big AS SELECT id, dev FROM ev WHERE v > 20",
    };

    @Test
    void tablesShowRoleKeySizeAndLastChangeAndCommitsShowEveryChange() throws Exception {
        try (LocalCluster cluster = LocalCluster.builder().workers(2).shards(4).privateData(true).build();
                MallardSqlClient client = cluster.sqlClient();
                Connection duck = DriverManager.getConnection("jdbc:duckdb:");
                Oracle oracle = Oracle.over(duck)) {
            long before = cluster.snapshot().version();
            List<Long> counts = new ArrayList<>();
            for (String sql : STATEMENTS) {
                counts.add(((Number) client.query(sql).rows().get(0).get(0)).longValue());
                try (Statement s = duck.createStatement()) {
                    s.execute(sql);
                }
                if (sql.startsWith("CREATE TABLE ev")) {
                    client.query("ALTER TABLE ev SET PARTITIONED BY (dev)");
                } else if (sql.startsWith("CREATE TABLE colors")) {
                    client.query("ALTER TABLE colors SET REPLICATED");
                }
            }

            QueryRows tables = client.query("SELECT name, role, shard_key, shard_count, rows, bytes, files, version, "
                    + "last_commit FROM mallard.tables WHERE name IN ('ev', 'colors', 'big') ORDER BY name");
            assertThat(tables.rows()).extracting(r -> r.get(0)).containsExactly("big", "colors", "ev");
            Snapshot snapshot = cluster.snapshot();
            for (List<Object> row : tables.rows()) {
                String name = (String) row.get(0);
                long expectedRows = (Long) oracle.query("SELECT count(*) FROM " + name).rows().get(0).get(0);
                assertThat(row.get(4)).as("rows of %s", name).isEqualTo(expectedRows);
                assertThat(((Number) row.get(3)).intValue()).isEqualTo(4);
                TableDef table = snapshot.table(name).orElseThrow();
                List<DataFile> files = snapshot.files().stream().filter(f -> f.tableId() == table.id()).toList();
                assertThat(((Number) row.get(6)).intValue()).as("files of %s", name).isEqualTo(files.size()).isPositive();
                assertThat(row.get(5)).isEqualTo(files.stream().mapToLong(DataFile::size).sum());
                // the last change is the newest commit naming the table, and its time is that commit's
                QueryRows last = client.query("SELECT version, committed_at FROM mallard.commits WHERE table_name = '"
                        + name + "' ORDER BY version DESC LIMIT 1");
                assertThat(row.subList(7, 9)).as("last change of %s", name).isEqualTo(last.rows().get(0));
            }
            assertThat(tables.rows().get(2).subList(1, 3)).containsExactly("partitioned", List.of("dev"));
            assertThat(tables.rows().get(1).subList(1, 3)).containsExactly("replicated", List.of());
            assertThat(tables.rows().get(0).subList(1, 3)).containsExactly("partitioned", List.of());

            QueryRows commits = client.query("SELECT version, user_name, kind, table_name, statement, rows_added, "
                    + "rows_removed FROM mallard.commits WHERE version > " + before + " ORDER BY version");
            List<List<Object>> expected = new ArrayList<>();
            long version = before;
            for (int i = 0; i < STATEMENTS.length; i++) {
                String sql = STATEMENTS[i];
                String kind = sql.substring(0, sql.startsWith("CREATE") ? "CREATE TABLE".length() : sql.indexOf(' '));
                String table = sql.split(" ")[sql.startsWith("CREATE") ? 2 : sql.startsWith("UPDATE") ? 1 : 2];
                long added = switch (kind) {
                    case "INSERT", "UPDATE" -> counts.get(i);
                    case "CREATE TABLE" -> sql.contains(" AS ") ? counts.get(i) : 0;
                    default -> 0;
                };
                long removed = kind.equals("DELETE") || kind.equals("UPDATE") ? counts.get(i) : 0;
                expected.add(List.of(++version, "admin", kind, table, sql, added, removed));
                if (sql.startsWith("CREATE TABLE ev") || sql.startsWith("CREATE TABLE colors")) {
                    String distribution = sql.startsWith("CREATE TABLE ev") ? "ALTER TABLE ev SET PARTITIONED BY (dev)"
                            : "ALTER TABLE colors SET REPLICATED";
                    expected.add(List.of(++version, "admin", "ALTER TABLE", table, distribution, 0L, 0L));
                }
            }
            assertThat(commits.rows()).isEqualTo(expected);
            assertThat(counts.get(6)).as("CREATE TABLE AS reports its rows").isPositive();
            cluster.assertClean();
        }
    }
}
