package io.mallard.testing;

import io.mallard.bench.faults.FaultCluster;
import static org.assertj.core.api.Assertions.assertThat;

import io.mallard.client.MallardSqlClient;
import io.mallard.oracle.Oracle;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * A worker process killed and started again with its data directory after tables changed: it keeps the files that
 * are still current without fetching them again (same inode, same modification time), fetches only the files the
 * changes added, drops the files no version names any more, and answers as one DuckDB does.
 */
class WorkerRestartTest {
    /** A file in a worker's data directory, as the file system sees it: a download makes a new one. */
    private record FileState(Object fileKey, long modified, long size) {
    }

    @Test
    void aWorkerRestartedWithItsDataDirectoryFetchesOnlyWhatChanged() throws Exception {
        try (FaultCluster cluster = FaultCluster.builder().workers(2).shards(4).leaseMillis(3_000).build();
                MallardSqlClient client = cluster.client();
                Connection duck = DriverManager.getConnection("jdbc:duckdb:");
                Oracle oracle = Oracle.over(duck)) {
            both(client, duck, "CREATE TABLE w AS SELECT i AS id, i % 13 AS g FROM range(0, 4000) r(i)");
            client.query("ALTER TABLE w SET PARTITIONED BY (id)");
            both(client, duck, "CREATE TABLE w2 AS SELECT i AS id FROM range(0, 1000) r(i)");
            client.query("ALTER TABLE w2 SET PARTITIONED BY (id)");
            cluster.awaitServed(2, 60_000);
            cluster.ensureHoldsShards(0, 2);
            Map<String, FileState> before = workerFiles(cluster, 0);
            Set<String> storedBefore = storeIds(cluster);

            cluster.killWorker(0);
            both(client, duck, "INSERT INTO w SELECT i, i % 13 FROM range(10000, 10400) r(i)");
            both(client, duck, "DROP TABLE w2");
            Set<String> storedAfter = storeIds(cluster);
            Set<String> added = minus(storedAfter, storedBefore);
            Set<String> retired = minus(storedBefore, storedAfter);
            assertThat(added).as("the INSERT's files").isNotEmpty();
            assertThat(retired).as("the dropped table's files").isNotEmpty();
            assertThat(before.keySet()).as("the worker held some of the dropped table's files")
                    .containsAnyElementsOf(retired);

            cluster.restartWorker(0);
            cluster.awaitServed(2, 120_000);
            Map<String, FileState> after = workerFiles(cluster, 0);
            // The store keeps every version's files while the coordinator runs (it sweeps them when it starts), and the
            // worker's disk may still hold files of versions before the last change (deleted once no task reads them;
            // the restarted worker deletes them at once). So the current files are not known from here; what must
            // hold: files the worker kept are the very files it had (not fetched again), and every file it fetched is
            // one the changes added — a current file deleted and fetched again, or an old one fetched, would show here,
            // and one deleted and not fetched again would leave its shard unserved and the answers below wrong.
            Set<String> kept = intersection(before.keySet(), after.keySet());
            assertThat(kept).as("files kept over the restart").isNotEmpty().doesNotContainAnyElementsOf(retired);
            for (String id : kept) {
                assertThat(after.get(id)).as("file %s was not fetched again", id).isEqualTo(before.get(id));
            }
            Set<String> fetched = minus(after.keySet(), before.keySet());
            assertThat(fetched).as("fetched after the restart: only files the changes added").isNotEmpty()
                    .isSubsetOf(added);
            assertThat(after.keySet()).as("the dropped table's files left the data directory")
                    .doesNotContainAnyElementsOf(retired);

            for (String check : new String[] {"SELECT * FROM w ORDER BY ALL", "SELECT g, count(*) FROM w GROUP BY g ORDER BY g"}) {
                assertThat(oracle.difference(check, client.query(check))).as(check).isEmpty();
            }
        }
    }

    private static void both(MallardSqlClient client, Connection duck, String sql) throws Exception {
        client.query(sql);
        try (Statement s = duck.createStatement()) {
            s.execute(sql);
        }
    }

    /** The shard files in worker {@code index}'s data directory, by file id. */
    private static Map<String, FileState> workerFiles(FaultCluster cluster, int index) throws IOException {
        Map<String, FileState> files = new TreeMap<>();
        try (Stream<Path> paths = Files.list(cluster.workerDataDir(index))) {
            for (Path p : paths.filter(p -> p.getFileName().toString().endsWith(".duckdb")).toList()) {
                BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
                files.put(id(p), new FileState(a.fileKey(), a.lastModifiedTime().toMillis(), a.size()));
            }
        }
        return files;
    }

    private static Set<String> storeIds(FaultCluster cluster) throws IOException {
        Set<String> ids = new HashSet<>();
        cluster.storeFiles().forEach(p -> ids.add(id(p)));
        return ids;
    }

    private static String id(Path file) {
        String name = file.getFileName().toString();
        return name.substring(0, name.indexOf('.'));
    }

    private static Set<String> intersection(Set<String> a, Set<String> b) {
        Set<String> out = new HashSet<>(a);
        out.retainAll(b);
        return out;
    }

    private static Set<String> minus(Set<String> a, Set<String> b) {
        Set<String> out = new HashSet<>(a);
        out.removeAll(b);
        return out;
    }
}
