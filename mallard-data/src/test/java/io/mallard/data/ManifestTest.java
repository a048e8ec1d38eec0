package io.mallard.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mallard.common.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ManifestTest {
    @TempDir
    Path dir;

    private static Manifest sample() {
        ShardInfo t1 = new ShardInfo("tpch-001", "tpch", 1, "shards/tpch-001.duckdb", 20, "bb", Map.of("orders", 2L, "lineitem", 5L));
        ShardInfo t0 = new ShardInfo("tpch-000", "tpch", 0, "shards/tpch-000.duckdb", 10, "aa", Map.of("orders", 1L, "lineitem", 4L));
        ShardInfo m0 = new ShardInfo("measurements-000", "measurements", 0, "shards/measurements-000.duckdb", 5, "cc",
                Map.of("measurements", 7L));
        return new Manifest(1, 1234L, "2024-01-01T00:00:00Z", new DataParams(0.01, 100, 7), "../oracle.duckdb",
                "reference.duckdb", List.of(
                new DatasetManifest("tpch", 2, Datasets.HASH_BY_KEY, Datasets.tpchTables(), List.of(t1, t0)),
                new DatasetManifest("measurements", 1, Datasets.HASH_BY_ROWID, Datasets.measurementTables(), List.of(m0))));
    }

    @Test
    void roundTripsThroughJson() throws Exception {
        Manifest m = sample();
        Path file = dir.resolve("manifest.json");
        m.write(file);
        assertThat(Manifest.read(file)).isEqualTo(m);
        String json = Files.readString(file);
        assertThat(json).contains("\"role\" : \"partitioned\"", "\"role\" : \"dimension\"", "\"role\" : \"replicated\"")
                .doesNotContain("allShards").contains("\n  ");
        // No temp files are left behind by the atomic write.
        try (var files = Files.list(dir)) {
            assertThat(files).containsExactly(file);
        }
    }

    @Test
    void rowCountsAreSortedByTableName() {
        ShardInfo s = sample().shard("tpch-000").orElseThrow();
        assertThat(s.rowCounts().keySet()).containsExactly("lineitem", "orders");
    }

    @Test
    void lookups() {
        Manifest m = sample();
        assertThat(m.allShards()).extracting(ShardInfo::id)
                .containsExactly("tpch-000", "tpch-001", "measurements-000");
        assertThat(m.shard("tpch-001")).map(ShardInfo::size).contains(20L);
        assertThat(m.shard("nope")).isEmpty();
        assertThat(m.table("LineItem")).map(TableSpec::role).contains(TableRole.PARTITIONED);
        assertThat(m.table("LineItem").orElseThrow().column("L_ORDERKEY")).map(ColumnSpec::type).contains("BIGINT");
        assertThat(m.datasetOfTable("MEASUREMENTS")).map(DatasetManifest::name).contains("measurements");
        assertThat(m.table("nope")).isEmpty();
        assertThat(m.datasets().get(0).table("Customer")).map(TableSpec::role).contains(TableRole.DIMENSION);
    }

    @Test
    void tableRoleJson() throws Exception {
        assertThat(Json.mapper().writeValueAsString(TableRole.REPLICATED)).isEqualTo("\"replicated\"");
        assertThat(Json.mapper().readValue("\"DIMENSION\"", TableRole.class)).isEqualTo(TableRole.DIMENSION);
    }

    @Test
    void edgeParamsAndNullableColumnsRoundTripAndOldJsonReadsAsAbsent() throws Exception {
        Manifest m = sample();
        Manifest withEdge = new Manifest(1, m.version(), m.createdAt(), new DataParams(0.01, 100, 7, 4000), m.oracleFile(),
                m.referenceFile(), List.of(new DatasetManifest("edge", 2, Datasets.HASH_BY_KEY, Datasets.edgeTables(), List.of())));
        Path file = dir.resolve("manifest.json");
        withEdge.write(file);
        assertThat(Manifest.read(file)).isEqualTo(withEdge);
        assertThat(Manifest.read(file).table("edge_facts").orElseThrow().column("grp").orElseThrow().nullable()).isTrue();
        // Without the edge dataset nothing new is written, so manifests and sidecars of older versions read the same.
        m.write(file);
        assertThat(Files.readString(file)).doesNotContain("edgeRows", "nullable");
        assertThat(Json.mapper().readValue("{\"scaleFactor\":0.01,\"measurementRows\":100,\"seed\":7}", DataParams.class))
                .isEqualTo(new DataParams(0.01, 100, 7, 0));
    }

    @Test
    void rejectsUnknownFormatVersion() throws Exception {
        Manifest m = sample();
        Manifest future = new Manifest(2, m.version(), m.createdAt(), m.params(), m.oracleFile(), m.referenceFile(), m.datasets());
        Path file = dir.resolve("manifest.json");
        future.write(file);
        assertThatThrownBy(() -> Manifest.read(file)).hasMessageContaining("formatVersion");
    }

    @Test
    void validation() {
        assertThatThrownBy(() -> new DataParams(0, 1, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new DataParams(Double.NaN, 1, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new DataParams(1, -1, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThat(new DataParams(0.01, 0, 1).measurementRows()).isZero();
        assertThatThrownBy(() -> new DataParams(1, 1, 1, -1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new TableSpec("t", TableRole.REPLICATED, List.of("k"), List.of(), List.of()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new TableSpec("t", TableRole.DIMENSION, List.of(), List.of(), List.of()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void datasetDefinitions() {
        assertThat(Datasets.tpchTables()).extracting(TableSpec::name)
                .containsExactlyInAnyOrder("lineitem", "orders", "customer", "part", "supplier", "partsupp", "nation", "region");
        TableSpec partsupp = Datasets.tpchTables().stream().filter(t -> t.name().equals("partsupp")).findFirst().orElseThrow();
        assertThat(partsupp.references()).containsExactly(
                new Reference("lineitem", List.of("l_partkey", "l_suppkey"), List.of("ps_partkey", "ps_suppkey")));
        TableSpec m = Datasets.measurementTables().get(0);
        assertThat(m.role()).isEqualTo(TableRole.PARTITIONED);
        assertThat(m.shardKey()).isEmpty();
        assertThat(m.columns()).containsExactly(new ColumnSpec("station", "VARCHAR"), new ColumnSpec("measure", "DOUBLE"));
    }
}
