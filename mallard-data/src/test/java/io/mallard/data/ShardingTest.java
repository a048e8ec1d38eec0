package io.mallard.data;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Checks the sharding invariants the engine relies on, on one sharding of a small oracle. */
class ShardingTest {
    static final DataParams PARAMS = new DataParams(0.01, 20_000, 42);
    static final int SHARDS = 4;

    @TempDir
    static Path root;
    static Path oracle;
    static Path out;
    static Manifest manifest;
    /** In-memory DuckDB with the oracle attached as {@code o}, every shard as {@code s_<dataset>_<i>}, the reference as {@code ref}. */
    static Connection db;

    @BeforeAll
    static void shard() throws Exception {
        oracle = Datasets.ensureOracle(root.resolve("data"), PARAMS, System.out);
        out = root.resolve("out");
        manifest = Datasets.shard(oracle, PARAMS, out, SHARDS, System.out);
        // Hash check first, before anything (even read-only) opens the files.
        for (ShardInfo s : manifest.allShards()) {
            Path f = out.resolve(s.file());
            assertThat(Files.size(f)).isEqualTo(s.size());
            assertThat(FileDigests.sha256(f)).isEqualTo(s.sha256()).matches("[0-9a-f]{64}");
        }
        db = TestDb.memory();
        TestDb.attach(db, oracle, "o");
        TestDb.attach(db, out.resolve(manifest.referenceFile()), "ref");
        for (ShardInfo s : manifest.allShards()) {
            TestDb.attach(db, out.resolve(s.file()), alias(s));
        }
    }

    @AfterAll
    static void close() throws Exception {
        db.close();
    }

    static String alias(ShardInfo s) {
        return "s_" + s.dataset() + "_" + s.index();
    }

    private static List<ShardInfo> shardsOf(String dataset) {
        return manifest.datasets().stream().filter(d -> d.name().equals(dataset)).findFirst().orElseThrow().shards();
    }

    @Test
    void manifestDescribesTheLayout() throws Exception {
        assertThat(manifest.formatVersion()).isEqualTo(1);
        assertThat(manifest.params()).isEqualTo(PARAMS);
        assertThat(out.resolve(manifest.oracleFile()).normalize()).isEqualTo(oracle.normalize());
        assertThat(manifest.referenceFile()).isEqualTo("reference.duckdb");
        assertThat(manifest.datasets()).extracting(DatasetManifest::name).containsExactly("tpch", "measurements");
        assertThat(manifest.datasets()).allSatisfy(d -> assertThat(d.shardCount()).isEqualTo(SHARDS));
        assertThat(manifest.datasets().get(0).hashFunction()).isEqualTo("duckdb:hash(key) % shard_count");
        assertThat(manifest.datasets().get(1).hashFunction()).isEqualTo("duckdb:hash(rowid) % shard_count");
        assertThat(manifest.datasets().get(0).tables()).isEqualTo(Datasets.tpchTables());
        assertThat(manifest.allShards()).extracting(ShardInfo::id).containsExactly(
                "tpch-000", "tpch-001", "tpch-002", "tpch-003",
                "measurements-000", "measurements-001", "measurements-002", "measurements-003");
        assertThat(manifest.shard("tpch-002").orElseThrow().file()).isEqualTo("shards/tpch-002.duckdb");
        assertThat(Manifest.read(out.resolve("manifest.json"))).isEqualTo(manifest);
        try (var files = Files.list(out.resolve("shards"))) {
            assertThat(files.map(p -> p.getFileName().toString())).hasSize(2 * SHARDS).allMatch(n -> n.endsWith(".duckdb"));
        }
    }

    @Test
    void rowCountsInManifestMatchTheFiles() throws Exception {
        for (DatasetManifest d : manifest.datasets()) {
            for (ShardInfo s : d.shards()) {
                Map<String, Long> actual = new TreeMap<>();
                for (TableSpec t : d.tables()) {
                    actual.put(t.name(), TestDb.count(db, "SELECT count(*) FROM " + alias(s) + "." + t.name()));
                }
                assertThat(s.rowCounts()).as(s.id()).isEqualTo(actual);
                assertThat(new ArrayList<>(s.rowCounts().keySet())).isSorted();
            }
        }
    }

    @Test
    void columnTypesArePreservedEverywhere() throws Exception {
        for (DatasetManifest d : manifest.datasets()) {
            for (TableSpec t : d.tables()) {
                assertThat(TestDb.columns(db, "o", t.name())).as("oracle " + t.name()).isEqualTo(t.columns());
                assertThat(TestDb.columns(db, "ref", t.name())).as("reference " + t.name()).isEqualTo(t.columns());
                for (ShardInfo s : d.shards()) {
                    assertThat(TestDb.columns(db, alias(s), t.name())).as(s.id() + " " + t.name()).isEqualTo(t.columns());
                }
            }
        }
    }

    @Test
    void partitionedRowsLandInExactlyOneShard() throws Exception {
        for (DatasetManifest d : manifest.datasets()) {
            for (TableSpec t : d.tables()) {
                if (t.role() != TableRole.PARTITIONED) {
                    continue;
                }
                String cols = Sql.columnList(t, null);
                List<String> parts = new ArrayList<>();
                long sum = 0;
                for (ShardInfo s : d.shards()) {
                    parts.add("SELECT " + cols + " FROM " + alias(s) + "." + t.name());
                    sum += s.rowCounts().get(t.name());
                    if (!t.shardKey().isEmpty()) {
                        // Every row of shard i hashes to i, hence no row can be in two shards.
                        assertThat(TestDb.count(db, "SELECT count(*) FROM " + alias(s) + "." + t.name() + " src WHERE NOT ("
                                + ShardWriter.hashFilter(t, SHARDS, s.index()) + ")")).as(s.id() + " " + t.name()).isZero();
                    }
                }
                String union = String.join(" UNION ALL ", parts);
                String all = "SELECT " + cols + " FROM o." + t.name();
                assertThat(sum).as(t.name()).isEqualTo(TestDb.count(db, "SELECT count(*) FROM o." + t.name())).isPositive();
                // Multiset equality: EXCEPT ALL in both directions is empty.
                assertThat(TestDb.count(db, "SELECT count(*) FROM (" + union + " EXCEPT ALL " + all + ")")).isZero();
                assertThat(TestDb.count(db, "SELECT count(*) FROM (" + all + " EXCEPT ALL (" + union + "))")).isZero();
            }
        }
        // Measurements are spread evenly although there are only 413 stations: each shard gets ~1/N of the rows.
        for (ShardInfo s : shardsOf("measurements")) {
            assertThat(s.rowCounts().get("measurements")).isBetween(4_500L, 5_500L);
        }
    }

    @Test
    void measurementShardsFollowRowidHash() throws Exception {
        for (ShardInfo s : shardsOf("measurements")) {
            String expected = "SELECT station, measure FROM o.measurements WHERE hash(rowid) % " + SHARDS + " = " + s.index();
            String actual = "SELECT station, measure FROM " + alias(s) + ".measurements";
            assertThat(TestDb.count(db, "SELECT count(*) FROM (" + expected + " EXCEPT ALL " + actual + ")")).isZero();
            assertThat(TestDb.count(db, "SELECT count(*) FROM (" + actual + " EXCEPT ALL " + expected + ")")).isZero();
        }
    }

    @Test
    void ordersAndLineitemsAreCoPartitioned() throws Exception {
        for (ShardInfo s : shardsOf("tpch")) {
            String a = alias(s);
            assertThat(TestDb.count(db, "SELECT count(*) FROM " + a + ".lineitem WHERE l_orderkey NOT IN (SELECT o_orderkey FROM "
                    + a + ".orders)")).as(s.id()).isZero();
            assertThat(TestDb.count(db, "SELECT count(*) FROM " + a + ".orders WHERE o_orderkey NOT IN (SELECT l_orderkey FROM "
                    + a + ".lineitem)")).as(s.id()).isZero();
            // All line items of an order are in the order's shard.
            assertThat(TestDb.count(db, "SELECT count(*) FROM " + a + ".orders JOIN o.lineitem ON l_orderkey = o_orderkey"))
                    .isEqualTo(s.rowCounts().get("lineitem"));
        }
    }

    @Test
    void dimensionRowsArePresentExactlyWhereReferenced() throws Exception {
        for (ShardInfo s : shardsOf("tpch")) {
            String a = alias(s);
            assertExactly(a, "customer", "SELECT c.* FROM o.customer c WHERE c_custkey IN (SELECT o_custkey FROM " + a + ".orders)");
            assertExactly(a, "part", "SELECT p.* FROM o.part p WHERE p_partkey IN (SELECT l_partkey FROM " + a + ".lineitem)");
            assertExactly(a, "supplier", "SELECT x.* FROM o.supplier x WHERE s_suppkey IN (SELECT l_suppkey FROM " + a + ".lineitem)");
            assertExactly(a, "partsupp", "SELECT ps.* FROM o.partsupp ps SEMI JOIN " + a + ".lineitem l "
                    + "ON l_partkey = ps_partkey AND l_suppkey = ps_suppkey");
            // Targeted, not full: at sf 0.01 with 4 shards no shard needs every customer.
            assertThat(s.rowCounts().get("customer")).isLessThan(1500L);
        }
    }

    private static void assertExactly(String shard, String table, String expectedSql) throws Exception {
        String actual = "SELECT * FROM " + shard + "." + table;
        assertThat(TestDb.count(db, "SELECT count(*) FROM (" + expectedSql + " EXCEPT ALL " + actual + ")"))
                .as("missing in " + shard + "." + table).isZero();
        assertThat(TestDb.count(db, "SELECT count(*) FROM (" + actual + " EXCEPT ALL (" + expectedSql + "))"))
                .as("extra in " + shard + "." + table).isZero();
    }

    @Test
    void replicatedTablesEqualTheOracleInEveryShard() throws Exception {
        for (ShardInfo s : shardsOf("tpch")) {
            for (String t : List.of("nation", "region")) {
                assertExactly(alias(s), t, "SELECT * FROM o." + t);
            }
        }
    }

    @Test
    void referenceHoldsDimensionsAndReplicatedInFullAndEmptyFacts() throws Exception {
        for (DatasetManifest d : manifest.datasets()) {
            for (TableSpec t : d.tables()) {
                if (t.role() == TableRole.PARTITIONED) {
                    assertThat(TestDb.count(db, "SELECT count(*) FROM ref." + t.name())).as(t.name()).isZero();
                } else {
                    assertExactly("ref", t.name(), "SELECT * FROM o." + t.name());
                }
            }
        }
    }
}
