package io.mallard.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.mallard.client.MallardSqlClient;
import io.mallard.common.rows.QueryRows;
import io.mallard.coordinator.CompactionPolicy;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Queries running while changes commit never see part of a commit. Every row of table {@code pairs} has a twin on
 * another shard: each INSERT adds both rows of a pair, each DELETE removes whole pairs, each UPDATE changes both rows of
 * the pairs it touches, and compaction rewrites the shards' files in between. Reader threads query all the while; every
 * answer must hold only complete pairs whose two rows agree.
 */
class SnapshotConsistencyTest {
    private static final int SHARDS = 4;
    private static final int CHANGES = 80;
    private static final String[] READS = {
        // pairs that are broken or whose twins disagree: never any
        "SELECT pair, count(*) AS n, min(v) AS lo, max(v) AS hi FROM pairs GROUP BY pair HAVING count(*) <> 2 OR min(v) <> max(v)",
        // total rows: always even, and the sum of v always twice the sum over one side
        "SELECT count(*) AS n, coalesce(sum(v), 0) AS total, coalesce(sum(v) FILTER (WHERE side = 0), 0) AS left_side FROM pairs",
        // every row, checked on the client
        "SELECT pair, side, v FROM pairs",
    };

    @Test
    void readersNeverSeeHalfACommit() throws Exception {
        try (LocalCluster cluster = LocalCluster.builder().workers(2).shards(SHARDS).privateData(true)
                .compaction(new CompactionPolicy(false, 2, 0.2, 1_000_000, 60_000)).build();
                MallardSqlClient writer = cluster.sqlClient();
                Connection duck = DriverManager.getConnection("jdbc:duckdb:")) {
            writer.query("CREATE TABLE pairs (pair BIGINT, side INTEGER, k BIGINT, v BIGINT)");
            writer.query("ALTER TABLE pairs SET PARTITIONED BY (k)");

            AtomicBoolean writing = new AtomicBoolean(true);
            ConcurrentLinkedQueue<String> violations = new ConcurrentLinkedQueue<>();
            AtomicInteger reads = new AtomicInteger();
            AtomicInteger readsAcrossCommits = new AtomicInteger();
            ExecutorService readers = Executors.newFixedThreadPool(2);
            List<Future<?>> running = new ArrayList<>();
            try {
                for (int r = 0; r < 2; r++) {
                    int first = r;
                    running.add(readers.submit(() -> {
                        try (MallardSqlClient client = cluster.sqlClient()) {
                            for (int i = first; writing.get(); i++) {
                                long before = cluster.snapshot().version();
                                String sql = READS[i % READS.length];
                                check(sql, client.query(sql), violations);
                                reads.incrementAndGet();
                                if (cluster.snapshot().version() != before) {
                                    readsAcrossCommits.incrementAndGet();
                                }
                            }
                        }
                        return null;
                    }));
                }
                Random random = new Random(1403);
                long nextPair = 1;
                for (int i = 0; i < CHANGES; i++) {
                    int kind = random.nextInt(10);
                    if (kind < 6 || nextPair < 4) {
                        long pair = nextPair++;
                        long[] keys = keysOnTwoShards(duck, pair);
                        long v = random.nextInt(1000);
                        writer.query("INSERT INTO pairs VALUES (" + pair + ", 0, " + keys[0] + ", " + v + "), (" + pair
                                + ", 1, " + keys[1] + ", " + v + ")");
                    } else if (kind < 8) {
                        writer.query("DELETE FROM pairs WHERE pair % 5 = " + random.nextInt(5) + " AND pair > "
                                + random.nextInt((int) nextPair));
                    } else {
                        writer.query("UPDATE pairs SET v = v + " + (1 + random.nextInt(9)) + " WHERE pair % 3 = "
                                + random.nextInt(3));
                    }
                    if (i % 20 == 19) {
                        cluster.coordinator().compactor().compactNow();
                    }
                }
            } finally {
                writing.set(false);
                readers.shutdown();
            }
            for (Future<?> reader : running) {
                reader.get(120, TimeUnit.SECONDS); // a reader's failed query fails the test here
            }
            assertThat(readers.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
            assertThat(violations).isEmpty();
            assertThat(readsAcrossCommits.get()).as("queries that ran while a commit happened (of %d)", reads.get())
                    .isPositive();
            QueryRows compactions = writer.query("SELECT count(*) FROM mallard.commits WHERE kind = 'COMPACT'");
            assertThat((Long) compactions.rows().get(0).get(0)).as("compactions ran between the changes").isPositive();
            cluster.assertClean();
        }
    }

    /** Two shard keys for the pair's rows that DuckDB's hash puts on different shards (as the table's writer does). */
    private static long[] keysOnTwoShards(Connection duck, long pair) throws Exception {
        long first = pair * 1000;
        try (Statement s = duck.createStatement(); ResultSet rs = s.executeQuery("SELECT min(k) FROM range(" + (first + 1)
                + ", " + (first + 1000) + ") t(k) WHERE hash(k) % " + SHARDS + " <> hash(CAST(" + first + " AS BIGINT)) % "
                + SHARDS)) {
            rs.next();
            return new long[] {first, rs.getLong(1)};
        }
    }

    private static void check(String sql, QueryRows answer, ConcurrentLinkedQueue<String> violations) {
        if (sql.contains("HAVING")) {
            if (!answer.rows().isEmpty()) {
                violations.add("broken pairs " + answer.rows());
            }
        } else if (sql.contains("left_side")) {
            List<Object> row = answer.rows().get(0);
            long n = (Long) row.get(0);
            long total = ((Number) row.get(1)).longValue();
            long left = ((Number) row.get(2)).longValue();
            if (n % 2 != 0 || total != 2 * left) {
                violations.add("count " + n + ", sum " + total + ", one side's sum " + left);
            }
        } else {
            java.util.Map<Long, List<List<Object>>> byPair = new java.util.HashMap<>();
            for (List<Object> row : answer.rows()) {
                byPair.computeIfAbsent((Long) row.get(0), p -> new ArrayList<>()).add(row);
            }
            byPair.forEach((pair, rows) -> {
                if (rows.size() != 2 || rows.get(0).get(1).equals(rows.get(1).get(1))
                        || !rows.get(0).get(2).equals(rows.get(1).get(2))) {
                    violations.add("pair " + pair + ": " + rows);
                }
            });
        }
    }
}
