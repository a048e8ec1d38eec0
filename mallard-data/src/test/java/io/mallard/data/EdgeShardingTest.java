package io.mallard.data;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The edge dataset is sharded like the others, only when asked for, and keeps its NULLs and empty shards. */
class EdgeShardingTest {
    static final DataParams PARAMS = new DataParams(0.001, 1_000, 42, 600);
    static final int SHARDS = 4;

    @TempDir
    Path root;

    @Test
    void edgeShardsKeepNullsDimensionsAndEmptyShards() throws Exception {
        Path oracle = Datasets.ensureOracle(root.resolve("data"), PARAMS, null);
        Path out = root.resolve("out");
        Manifest manifest = Datasets.shard(oracle, PARAMS, out, SHARDS, null);
        assertThat(manifest.datasets()).extracting(DatasetManifest::name).containsExactly("tpch", "measurements", "edge");
        DatasetManifest edge = manifest.datasets().get(2);
        assertThat(edge.tables()).isEqualTo(Datasets.edgeTables());
        assertThat(edge.hashFunction()).isEqualTo(Datasets.HASH_BY_KEY);
        assertThat(edge.shards()).extracting(s -> s.rowCounts().get("edge_tiny")).contains(0L);
        assertThat(edge.shards()).allSatisfy(s -> assertThat(s.rowCounts().get("edge_empty")).isZero());
        assertThat(edge.shards().stream().mapToLong(s -> s.rowCounts().get("edge_facts")).sum()).isEqualTo(600);

        try (Connection db = TestDb.memory()) {
            TestDb.attach(db, oracle, "o");
            for (ShardInfo s : edge.shards()) {
                String a = "s" + s.index();
                TestDb.attach(db, out.resolve(s.file()), a);
                assertThat(TestDb.count(db, "SELECT count(*) FROM duckdb_columns() WHERE database_name = '" + a
                        + "' AND table_name = 'edge_facts' AND is_nullable")).isEqualTo(15);
                // Targeted broadcast: exactly the dimension rows this shard's facts reference.
                String referenced = "SELECT d.* FROM o.edge_dim d WHERE dim_id IN (SELECT dim_id FROM " + a + ".edge_facts)";
                assertThat(TestDb.count(db, "SELECT count(*) FROM (" + referenced + " EXCEPT ALL FROM " + a + ".edge_dim)")).isZero();
                assertThat(TestDb.count(db, "SELECT count(*) FROM (FROM " + a + ".edge_dim EXCEPT ALL " + referenced + ")")).isZero();
                assertThat(TestDb.count(db, "SELECT count(*) FROM " + a + ".edge_colors")).isEqualTo(8);
                // Events live with their fact.
                assertThat(TestDb.count(db, "SELECT count(*) FROM " + a + ".edge_events WHERE fact_id NOT IN (SELECT id FROM "
                        + a + ".edge_facts)")).isZero();
            }
        }

        // Asking for the same data again reuses it.
        assertThat(Datasets.shard(oracle, PARAMS, out, SHARDS, null).version()).isEqualTo(manifest.version());
    }
}
