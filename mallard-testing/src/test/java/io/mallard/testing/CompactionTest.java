package io.mallard.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.mallard.client.MallardSqlClient;
import io.mallard.common.rows.QueryRows;
import io.mallard.coordinator.catalog.Catalog;
import io.mallard.data.table.DataFile;
import io.mallard.data.table.PinnedSnapshot;
import io.mallard.data.table.Snapshot;
import io.mallard.data.table.TableDef;
import io.mallard.oracle.Oracle;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Compaction of a partitioned table after 100 small INSERTs and some DELETEs and UPDATEs: the answers equal one DuckDB's
 * before and after, each shard's files become one, the commit log shows it as COMPACT, and the old files stay in the
 * store while a version that names them is pinned and leave it, and the workers, afterwards.
 */
class CompactionTest {
    private static final String[] CHECKS = {
        "SELECT * FROM p ORDER BY ALL",
        "SELECT g, count(*), sum(x), min(id), max(id) FROM p GROUP BY g ORDER BY g",
        "SELECT count(*), count(DISTINCT id), sum(x) FROM p",
    };

    @Test
    void smallFilesAndDeletedRowsAreCompactedWithoutChangingAnAnswer() throws Exception {
        Random random = new Random(1406);
        try (LocalCluster cluster = LocalCluster.builder().workers(2).shards(4).privateData(true).build();
                MallardSqlClient client = cluster.sqlClient();
                Connection duck = DriverManager.getConnection("jdbc:duckdb:");
                Oracle oracle = Oracle.over(duck)) {
            both(client, duck, "CREATE TABLE p (id BIGINT, g VARCHAR, x DOUBLE)");
            client.query("ALTER TABLE p SET PARTITIONED BY (id)");
            for (int i = 0; i < 100; i++) {
                List<String> rows = new ArrayList<>();
                for (int n = 0; n < 8; n++) {
                    int id = i * 8 + n;
                    rows.add(String.format(Locale.ROOT, "(%d, '%s', %.2f)", id, "g" + random.nextInt(5),
                            random.nextDouble() * 100));
                }
                both(client, duck, "INSERT INTO p VALUES " + String.join(", ", rows));
                if (i % 50 == 49) {
                    both(client, duck, "DELETE FROM p WHERE id % 3 = " + random.nextInt(3) + " AND x < 50");
                    both(client, duck, "UPDATE p SET x = x + 1000 WHERE g = 'g" + random.nextInt(5) + "'");
                }
            }
            assertSameAnswers(client, oracle, "before compaction");
            Catalog catalog = cluster.coordinator().catalog();
            Snapshot before = catalog.snapshot();
            TableDef p = before.table("p").orElseThrow();
            List<DataFile> oldFiles = filesOf(before, p);
            for (int shard = 0; shard < 4; shard++) {
                assertThat(dataFiles(before, p, shard)).as("shard %d before", shard).hasSizeGreaterThan(8);
            }

            try (PinnedSnapshot reader = catalog.pin()) {
                assertThat(client.query("CALL mallard_compact('p')").rows()).as("shards compacted")
                        .containsExactly(List.of(4L));
                for (DataFile f : oldFiles) {
                    assertThat(catalog.files().exists(f.storeKey())).as("pinned %s stays in the store", f.fileId()).isTrue();
                }
                assertThat(reader.snapshot().version()).isEqualTo(before.version());
            }
            for (DataFile f : oldFiles) {
                assertThat(catalog.files().exists(f.storeKey())).as("unpinned %s left the store", f.fileId()).isFalse();
            }

            Snapshot after = catalog.snapshot();
            for (int shard = 0; shard < 4; shard++) {
                assertThat(dataFiles(after, p, shard)).as("shard %d after", shard).hasSize(1);
            }
            assertThat(filesOf(after, p)).as("no delete file is left").allMatch(DataFile::isData);
            assertThat(dataFilesOf(after, p).stream().mapToLong(DataFile::rows).sum()).as("rows in the compacted files")
                    .isEqualTo((Long) oracle.query("SELECT count(*) FROM p").rows().get(0).get(0));
            assertSameAnswers(client, oracle, "after compaction");

            QueryRows commits = client.query("SELECT user_name, kind, table_name, rows_added, rows_removed "
                    + "FROM mallard.commits WHERE version > " + before.version() + " ORDER BY version");
            assertThat(commits.rows()).hasSize(4).allMatch(r -> r.equals(List.of("mallard", "COMPACT", "p", 0L, 0L)));
            QueryRows tables = client.query("SELECT files FROM mallard.tables WHERE name = 'p'");
            assertThat(((Number) tables.rows().get(0).get(0)).intValue()).isEqualTo(4).isLessThan(oldFiles.size());

            // the workers drop what no version names any more
            Set<String> oldIds = oldFiles.stream().map(DataFile::fileId).collect(Collectors.toSet());
            Await.until("the workers to delete the compacted files", Duration.ofSeconds(30),
                    () -> workerFiles(cluster).stream().noneMatch(oldIds::contains));
            assertThat(cluster.coordinator().compactor().compactNow()).as("nothing left to compact").isEmpty();
            assertThat(client.query("CALL mallard_compact()").rows()).containsExactly(List.of(0L));
            cluster.assertClean();
        }
    }

    private static void assertSameAnswers(MallardSqlClient client, Oracle oracle, String when) throws Exception {
        for (String check : CHECKS) {
            assertThat(oracle.difference(check, client.query(check))).as("%s: %s", when, check).isEmpty();
        }
    }

    private static void both(MallardSqlClient client, Connection duck, String sql) throws Exception {
        client.query(sql);
        try (Statement s = duck.createStatement()) {
            s.execute(sql);
        }
    }

    private static List<DataFile> filesOf(Snapshot snapshot, TableDef table) {
        return snapshot.files().stream().filter(f -> f.tableId() == table.id()).toList();
    }

    private static List<DataFile> dataFilesOf(Snapshot snapshot, TableDef table) {
        return snapshot.dataFiles(table.id());
    }

    private static List<DataFile> dataFiles(Snapshot snapshot, TableDef table, int shard) {
        return snapshot.dataFiles(table.id(), shard);
    }

    /** The ids of the files in every worker's data directory. */
    private static Set<String> workerFiles(LocalCluster cluster) {
        try (Stream<Path> paths = Files.walk(cluster.dir().resolve("workers"))) {
            return paths.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".duckdb"))
                    .map(n -> n.substring(0, n.length() - ".duckdb".length())).collect(Collectors.toSet());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
