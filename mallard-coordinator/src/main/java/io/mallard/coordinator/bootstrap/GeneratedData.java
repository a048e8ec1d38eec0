package io.mallard.coordinator.bootstrap;

import io.mallard.common.ErrorCode;
import io.mallard.common.Json;
import io.mallard.common.MallardException;
import io.mallard.coordinator.ClusterLayout;
import io.mallard.coordinator.StoreConfig;
import io.mallard.coordinator.catalog.Catalog;
import io.mallard.coordinator.catalog.ClusterInfo;
import io.mallard.coordinator.catalog.TableWriter;
import io.mallard.data.ColumnSpec;
import io.mallard.data.DataParams;
import io.mallard.data.Datasets;
import io.mallard.data.Reference;
import io.mallard.data.Sql;
import io.mallard.data.TableRole;
import io.mallard.data.TableSpec;
import io.mallard.data.store.ShardStore;
import io.mallard.data.table.ColumnDef;
import io.mallard.data.table.Snapshot;
import io.mallard.data.table.TableReference;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Loads the generated datasets (TPC-H, measurements, the edge cases) into a cluster's catalog the way any table is
 * loaded: each table is created with its role and key, and its rows are appended from the oracle through the
 * {@link TableWriter}, so the generated tables are ordinary tables and there is one data path.
 */
final class GeneratedData {
    static final String PARAMS = "generated.params";
    static final String ORACLE = "generated.oracle";
    private static final String ORACLE_ALIAS = "mallard_oracle";

    private GeneratedData() {
    }

    /** The generated tables of these params, in load order: partitioned, then dimension, then replicated. */
    static List<TableSpec> tables(DataParams params) {
        List<TableSpec> all = new ArrayList<>(Datasets.tpchTables());
        all.addAll(Datasets.measurementTables());
        if (params.hasEdgeDataset()) {
            all.addAll(Datasets.edgeTables());
        }
        all.sort(Comparator.comparingInt(t -> t.role().ordinal()));
        return all;
    }

    /**
     * Makes the catalog hold the generated data of {@code params} in {@code shards} shards. A catalog made with these
     * parameters is kept as it is once users have changed anything in it (their tables and their changes to the
     * generated ones are committed data), and also when nobody has and every generated table is there. A catalog that
     * holds only generated data, of other parameters or left incomplete by an interrupted bootstrap, is made anew; one
     * of other parameters that users have changed is refused.
     */
    static Snapshot load(ClusterLayout layout, Path oracle, DataParams params, int shards, StoreConfig storeConfig,
            PrintStream progress) throws IOException, SQLException {
        String wanted = Json.toText(params);
        if (Files.exists(layout.catalog())) {
            try (ShardStore store = store(layout, storeConfig);
                    Catalog catalog = Catalog.open(layout.catalog(), store, layout.cache())) {
                storeConfig.requireRecorded(catalog.info().store(), layout.dir());
                String recorded = catalog.info().properties().get(PARAMS);
                boolean sameParameters = wanted.equals(recorded) && catalog.info().shardCount() == shards;
                boolean changedByUsers = recorded == null
                        || !catalog.commitLog(Integer.MAX_VALUE).stream().allMatch(c -> Bootstrap.USER.equals(c.user()));
                if (sameParameters && (changedByUsers || holdsAll(catalog.snapshot(), params))) {
                    say(progress, "data: reusing the catalog of " + layout.dir() + " (" + shards + " shards"
                            + (changedByUsers ? ", with the changes users committed" : "") + ")");
                    return catalog.snapshot();
                }
                if (changedByUsers) {
                    throw new MallardException(ErrorCode.INVALID_ARGUMENT, "the cluster directory " + layout.dir()
                            + " holds data users committed, made with " + (recorded == null ? "" : describe(recorded) + " ")
                            + "--shards " + catalog.info().shardCount() + "; start it with those options, or use a new "
                            + "directory");
                }
            }
            say(progress, "data: the catalog holds other generated data; making it anew");
            try (ShardStore store = store(layout, storeConfig)) {
                for (String key : store.list("tables/")) {
                    store.delete(key);
                }
            }
            deleteTree(layout.store());
            deleteTree(layout.cache());
            Files.deleteIfExists(layout.catalog());
            Files.deleteIfExists(layout.catalog().resolveSibling("catalog.duckdb.wal"));
        }
        Map<String, String> properties = Map.of(PARAMS, wanted, ORACLE, oracle.toAbsolutePath().toString(),
                ClusterInfo.STORE, storeConfig.identity());
        long start = System.nanoTime();
        say(progress, "data: table files go to " + storeConfig.describe());
        List<Path> readable = new ArrayList<>(List.of(oracle.toAbsolutePath().getParent()));
        if (storeConfig.isLocal()) {
            readable.add(layout.store());
        }
        try (ShardStore store = store(layout, storeConfig);
                Catalog catalog = Catalog.openOrCreate(layout.catalog(), store, new ClusterInfo(shards, properties),
                        layout.cache());
                TableWriter writer = new TableWriter(catalog, layout.work(), readable)) {
            Sql.execute(writer.connection(), "ATTACH " + Sql.literal(oracle.toAbsolutePath().toString()) + " AS "
                    + ORACLE_ALIAS + " (READ_ONLY)");
            TableWriter.Origin origin = new TableWriter.Origin(Bootstrap.USER, "generated data " + wanted);
            List<TableSpec> tables = tables(params);
            for (TableSpec t : tables) {
                writer.create(t.name(), t.role(), t.shardKey(), columns(t), references(t), origin);
            }
            Map<String, TableWriter.ReferencingRows> referencing = new HashMap<>();
            for (TableSpec t : tables) {
                referencing.put(t.name(), TableWriter.ReferencingRows.whole(ORACLE_ALIAS + ".main." + Sql.ident(t.name())));
            }
            for (TableSpec t : tables) {
                long tableStart = System.nanoTime();
                Snapshot after = writer.append(t.name(), ORACLE_ALIAS + ".main." + Sql.ident(t.name()), referencing, origin);
                long id = after.table(t.name()).orElseThrow().id();
                say(progress, String.format("data: %s %,d rows in %d files, %,d bytes, %d ms", t.name(), after.rows(id),
                        after.dataFiles(id).size(), after.bytes(id), (System.nanoTime() - tableStart) / 1_000_000));
            }
            Sql.execute(writer.connection(), "DETACH " + ORACLE_ALIAS);
            say(progress, String.format("data: %d tables in %d shards loaded in %d ms", tables.size(), shards,
                    (System.nanoTime() - start) / 1_000_000));
            return catalog.snapshot();
        }
    }

    /** Whether every generated table of {@code params}, and nothing else, is in {@code snapshot}. */
    private static boolean holdsAll(Snapshot snapshot, DataParams params) {
        return tables(params).stream().allMatch(t -> snapshot.table(t.name()).isPresent())
                && snapshot.tables().size() == tables(params).size();
    }

    /** Recorded parameters as the options of {@code mallard up} that give them. */
    private static String describe(String recorded) {
        DataParams p = Json.fromBytes(recorded.getBytes(java.nio.charset.StandardCharsets.UTF_8), DataParams.class);
        return "--sf " + p.scaleFactor() + " --rows " + p.measurementRows() + " --seed " + p.seed()
                + (p.edgeRows() > 0 ? " --edge-rows " + p.edgeRows() : "");
    }

    /** The cluster's store, with no download URLs of the local store: only a running coordinator signs those. */
    private static ShardStore store(ClusterLayout layout, StoreConfig config) throws IOException {
        return config.open(layout, (key, worker, ttl) -> {
            throw new IllegalStateException("download URLs are signed by the running coordinator");
        });
    }

    private static List<ColumnDef> columns(TableSpec t) {
        List<ColumnDef> out = new ArrayList<>();
        for (ColumnSpec c : t.columns()) {
            out.add(new ColumnDef(out.size(), c.name(), c.type(), c.nullable()));
        }
        return out;
    }

    private static List<TableReference> references(TableSpec t) {
        return t.references().stream().map((Reference r) -> new TableReference(r.fromTable(), r.fromColumns(), r.toColumns()))
                .toList();
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    private static void say(PrintStream progress, String line) {
        if (progress != null) {
            progress.println(line);
        }
    }
}
