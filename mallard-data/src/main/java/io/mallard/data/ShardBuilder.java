package io.mallard.data;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** Implements {@link Datasets#shard}: cuts the oracle into shard files, the reference copy and the manifest. */
final class ShardBuilder {
    static final String SHARDS_DIR = "shards";
    /** Every dataset name whose shard files this class may have written. */
    private static final List<String> ALL_DATASET_NAMES =
            List.of(DatasetDefinitions.TPCH, DatasetDefinitions.MEASUREMENTS, DatasetDefinitions.EDGE);

    private ShardBuilder() {
    }

    /** The built-in datasets in manifest order. */
    private record DatasetDef(String name, List<TableSpec> tables) {
    }

    /** The datasets the params ask for: always tpch and measurements, then edge when it has rows. */
    private static List<DatasetDef> datasets(DataParams params) {
        List<DatasetDef> out = new ArrayList<>(List.of(
                new DatasetDef(DatasetDefinitions.TPCH, DatasetDefinitions.tpch()),
                new DatasetDef(DatasetDefinitions.MEASUREMENTS, DatasetDefinitions.measurements())));
        if (params.hasEdgeDataset()) {
            out.add(new DatasetDef(DatasetDefinitions.EDGE, DatasetDefinitions.edge()));
        }
        return List.copyOf(out);
    }

    @SuppressWarnings("try") // the lock is held for the block's duration, never referenced
    static Manifest shard(Path oracle, DataParams params, Path outDir, int shards, PrintStream progress)
            throws IOException, SQLException {
        if (shards < 1) {
            throw new IllegalArgumentException("shards must be >= 1, got " + shards);
        }
        Path oracleAbs = oracle.toAbsolutePath().normalize();
        if (!Files.isRegularFile(oracleAbs)) {
            throw new IOException("oracle file not found: " + oracleAbs);
        }
        Path dir = outDir.toAbsolutePath().normalize();
        Path manifestPath = dir.resolve(Datasets.MANIFEST_FILE);
        // Lock order: shard directory, then oracle (ensureOracle takes only the latter), so no deadlock.
        try (DirLock lock = DirLock.acquire(dir.resolve(".shards.lock"));
             DirLock oracleLock = OracleBuilder.lock(oracleAbs)) {
            Optional<DataParams> recorded = OracleBuilder.recordedParams(oracleAbs);
            if (recorded.isPresent() && !recorded.get().equals(params)) {
                throw new IllegalArgumentException("oracle " + oracleAbs + " was generated with " + recorded.get()
                        + ", not " + params);
            }
            Optional<Manifest> existing = Manifest.readIfValid(manifestPath);
            if (existing.isPresent() && isReusable(existing.get(), dir, oracleAbs, params, shards)) {
                Progress.log(progress, "shards: reusing %s (%d shards per dataset)", dir, shards);
                return existing.get();
            }
            // No manifest while files are being replaced: readers see either a complete set or none.
            Files.deleteIfExists(manifestPath);
            cleanOldFiles(dir);
            long t0 = System.nanoTime();
            long version = System.currentTimeMillis();
            List<DatasetManifest> out = new ArrayList<>();
            List<TableSpec> allTables = new ArrayList<>();
            for (DatasetDef d : datasets(params)) {
                List<ShardInfo> infos = new ArrayList<>();
                for (int i = 0; i < shards; i++) {
                    long t = System.nanoTime();
                    String id = String.format(Locale.ROOT, "%s-%03d", d.name(), i);
                    String rel = SHARDS_DIR + "/" + id + ".duckdb";
                    ShardWriter.Written w = ShardWriter.writeShard(oracleAbs, d.tables(), shards, i, dir.resolve(rel));
                    // Size and hash only after the file is closed and renamed: these bytes are final.
                    long size = Files.size(w.file());
                    infos.add(new ShardInfo(id, d.name(), i, rel, size, FileDigests.sha256(w.file()), w.rowCounts()));
                    Progress.log(progress, "shards: %s %,d bytes %s in %s", id, size, w.rowCounts(), Progress.since(t));
                }
                out.add(new DatasetManifest(d.name(), shards, DatasetDefinitions.hashFunction(d.tables()),
                        d.tables(), infos));
                allTables.addAll(d.tables());
            }
            long t = System.nanoTime();
            ShardWriter.writeReference(oracleAbs, allTables, dir.resolve(Datasets.REFERENCE_FILE));
            Progress.log(progress, "shards: %s in %s", Datasets.REFERENCE_FILE, Progress.since(t));
            Manifest m = new Manifest(Manifest.FORMAT_VERSION, version, Instant.ofEpochMilli(version).toString(),
                    params, oracleReference(dir, oracleAbs), Datasets.REFERENCE_FILE, out);
            m.write(manifestPath);
            Progress.log(progress, "shards: wrote %s in %s", manifestPath, Progress.since(t0));
            return m;
        }
    }

    /**
     * The oracle path as stored in the manifest: relative to the manifest's directory when possible,
     * so that a data directory holding both can be moved as a whole.
     */
    private static String oracleReference(Path dir, Path oracleAbs) {
        try {
            return dir.relativize(oracleAbs).toString().replace('\\', '/');
        } catch (IllegalArgumentException differentRoots) {
            return oracleAbs.toString();
        }
    }

    private static boolean isReusable(Manifest m, Path dir, Path oracleAbs, DataParams params, int shards)
            throws IOException {
        if (!params.equals(m.params()) || m.oracleFile() == null
                || !dir.resolve(m.oracleFile()).normalize().equals(oracleAbs)
                || m.referenceFile() == null || !Files.isRegularFile(dir.resolve(m.referenceFile()))) {
            return false;
        }
        List<DatasetDef> expected = datasets(params);
        if (m.datasets().size() != expected.size()) {
            return false;
        }
        for (int d = 0; d < expected.size(); d++) {
            DatasetManifest dm = m.datasets().get(d);
            DatasetDef def = expected.get(d);
            // Comparing table definitions too makes a schema change in this code regenerate old shards.
            if (!dm.name().equals(def.name()) || dm.shardCount() != shards || dm.shards().size() != shards
                    || !dm.tables().equals(def.tables())
                    || !DatasetDefinitions.hashFunction(def.tables()).equals(dm.hashFunction())) {
                return false;
            }
            for (ShardInfo s : dm.shards()) {
                Path f = dir.resolve(s.file());
                if (!Files.isRegularFile(f) || Files.size(f) != s.size()) {
                    return false;
                }
            }
        }
        return true;
    }

    /** Deletes shard and reference files of an earlier run (only names this class creates). */
    private static void cleanOldFiles(Path dir) throws IOException {
        OracleBuilder.deleteDuckDbFile(dir.resolve(Datasets.REFERENCE_FILE));
        OracleBuilder.deleteDuckDbFile(dir.resolve(Datasets.REFERENCE_FILE + ".tmp"));
        Path shardsDir = dir.resolve(SHARDS_DIR);
        if (!Files.isDirectory(shardsDir)) {
            return;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(shardsDir)) {
            for (Path f : files) {
                String n = f.getFileName().toString();
                boolean ours = ALL_DATASET_NAMES.stream().anyMatch(d -> n.startsWith(d + "-"))
                        && (n.endsWith(".duckdb") || n.endsWith(".duckdb.tmp") || n.endsWith(".wal"));
                if (ours) {
                    Files.deleteIfExists(f);
                }
            }
        }
    }
}
