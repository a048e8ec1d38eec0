package io.mallard.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reuse and regeneration of the oracle and of shard directories. */
class ReuseTest {
    static final DataParams PARAMS = new DataParams(0.01, 20_000, 42);

    @TempDir
    Path root;

    @Test
    void oracleIsReusedForSameParamsAndRegeneratedOtherwise() throws Exception {
        Path dir = root.resolve("data");
        Path oracle = Datasets.ensureOracle(dir, PARAMS, null);
        assertThat(oracle).isEqualTo(dir.resolve("oracle.duckdb").toAbsolutePath());
        assertThat(dir.resolve("oracle.json")).exists();
        FileTime first = Files.getLastModifiedTime(oracle);
        Files.setLastModifiedTime(oracle, FileTime.fromMillis(first.toMillis() - 60_000));
        FileTime marked = Files.getLastModifiedTime(oracle);

        assertThat(Datasets.ensureOracle(dir, PARAMS, null)).isEqualTo(oracle);
        assertThat(Files.getLastModifiedTime(oracle)).isEqualTo(marked);

        DataParams other = new DataParams(0.01, 1_000, 42);
        Datasets.ensureOracle(dir, other, null);
        assertThat(Files.getLastModifiedTime(oracle)).isNotEqualTo(marked);
        assertThat(OracleBuilder.recordedParams(oracle)).contains(other);

        // A missing sidecar (e.g. a crash before it was written) forces regeneration.
        Files.delete(dir.resolve("oracle.json"));
        Files.setLastModifiedTime(oracle, marked);
        Datasets.ensureOracle(dir, other, null);
        assertThat(Files.getLastModifiedTime(oracle)).isNotEqualTo(marked);
    }

    @Test
    void concurrentCallersShareOneOracle() throws Exception {
        Path dir = root.resolve("shared");
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<Path>> results = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                results.add(pool.submit(() -> Datasets.ensureOracle(dir, PARAMS, null)));
            }
            assertThat(results.get(0).get()).isEqualTo(results.get(1).get());
        } finally {
            pool.shutdown();
        }
        try (var c = TestDb.memory()) {
            TestDb.attach(c, dir.resolve("oracle.duckdb"), "o");
            assertThat(TestDb.count(c, "SELECT count(*) FROM o.measurements")).isEqualTo(20_000);
        }
    }

    @Test
    void shardsAreReusedAndRegeneratedWhenSomethingChanged() throws Exception {
        Path oracle = Datasets.ensureOracle(root.resolve("data"), PARAMS, null);
        Path out = root.resolve("out");
        Manifest first = Datasets.shard(oracle, PARAMS, out, 3, null);
        Path shard0 = out.resolve(first.allShards().get(0).file());
        FileTime marked = FileTime.fromMillis(Files.getLastModifiedTime(shard0).toMillis() - 60_000);
        Files.setLastModifiedTime(shard0, marked);

        Manifest again = Datasets.shard(oracle, PARAMS, out, 3, null);
        assertThat(again).isEqualTo(first);
        assertThat(Files.getLastModifiedTime(shard0)).isEqualTo(marked);

        // Another shard count: new version, new files, stale files of the old layout removed.
        Thread.sleep(2);
        Manifest two = Datasets.shard(oracle, PARAMS, out, 2, null);
        assertThat(two.version()).isGreaterThan(first.version());
        assertThat(two.allShards()).hasSize(4);
        assertThat(out.resolve("shards/tpch-002.duckdb")).doesNotExist();
        assertThat(Manifest.read(out.resolve("manifest.json"))).isEqualTo(two);

        // A shard file that no longer has its recorded size forces regeneration.
        Path victim = out.resolve(two.allShards().get(1).file());
        Files.write(victim, new byte[] {1, 2, 3});
        Thread.sleep(2);
        Manifest repaired = Datasets.shard(oracle, PARAMS, out, 2, null);
        assertThat(repaired.version()).isGreaterThan(two.version());
        assertThat(Files.size(victim)).isEqualTo(repaired.allShards().get(1).size());
        assertThat(FileDigests.sha256(victim)).isEqualTo(repaired.allShards().get(1).sha256());

        // Changed params (with the matching oracle) regenerate too.
        DataParams other = new DataParams(0.01, 5_000, 42);
        Path otherOracle = Datasets.ensureOracle(root.resolve("data2"), other, null);
        Manifest changed = Datasets.shard(otherOracle, other, out, 2, null);
        assertThat(changed.params()).isEqualTo(other);
        assertThat(changed.version()).isGreaterThan(repaired.version());
        long rows = changed.allShards().stream().filter(s -> s.dataset().equals("measurements"))
                .mapToLong(s -> s.rowCounts().get("measurements")).sum();
        assertThat(rows).isEqualTo(5_000);
    }

    @Test
    void shardRefusesParamsThatDoNotMatchTheOracle() throws Exception {
        Path oracle = Datasets.ensureOracle(root.resolve("data"), PARAMS, null);
        assertThatThrownBy(() -> Datasets.shard(oracle, new DataParams(0.01, 20_000, 43), root.resolve("out"), 2, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("generated with");
    }
}
