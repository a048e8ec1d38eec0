package io.mallard.data;

import io.mallard.common.AtomicFiles;
import io.mallard.common.Json;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.duckdb.DuckDBConnection;

/** Implements {@link Datasets#ensureOracle}: the unsharded DuckDB file with every table. */
final class OracleBuilder {
    static final String SIDECAR = "oracle.json";
    /**
     * Bumped whenever generation changes in a way that changes the data or schema, so that oracles
     * written by older code are regenerated even when their params match.
     */
    static final int GENERATOR_VERSION = 1;

    /** Contents of the sidecar: written last, so its presence means the oracle file is complete. */
    record OracleInfo(int generatorVersion, DataParams params, long size, String createdAt) {
    }

    private OracleBuilder() {
    }

    @SuppressWarnings("try") // the lock is held for the block's duration, never referenced
    static Path ensure(Path dir, DataParams params, PrintStream progress) throws IOException, SQLException {
        Path oracle = dir.resolve(Datasets.ORACLE_FILE).toAbsolutePath();
        Path sidecar = oracle.resolveSibling(SIDECAR);
        try (DirLock lock = lock(oracle)) {
            if (isCurrent(oracle, sidecar, params)) {
                Progress.log(progress, "oracle: reusing %s (%s)", oracle, params);
                return oracle;
            }
            // Remove the sidecar before touching the data, so an interrupted run is never mistaken for a complete one.
            Files.deleteIfExists(sidecar);
            Path tmp = oracle.resolveSibling(Datasets.ORACLE_FILE + ".tmp");
            deleteDuckDbFile(tmp);
            long t0 = System.nanoTime();
            Progress.log(progress, "oracle: generating %s into %s", params, oracle);
            try (Connection c = DriverManager.getConnection("jdbc:duckdb:" + tmp)) {
                generateBoth(c, params, progress);
                Sql.execute(c, "CHECKPOINT");
            }
            deleteDuckDbFile(oracle);
            AtomicFiles.moveReplacing(tmp, oracle);
            long size = Files.size(oracle);
            Json.writeFile(sidecar, new OracleInfo(GENERATOR_VERSION, params, size, Instant.now().toString()));
            Progress.log(progress, "oracle: done, %,d bytes in %s", size, Progress.since(t0));
            return oracle;
        }
    }

    /**
     * Runs the TPC-H (then, if asked for, the edge-case) and the measurements generator at the same time on two connections to the same
     * database: each is bound by its single Java row-generating thread, and they write different
     * tables, so on two cores this roughly halves the wall time.
     */
    private static void generateBoth(Connection c, DataParams params, PrintStream progress) throws SQLException {
        ExecutorService pool = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "mallard-measurements-generator");
            t.setDaemon(true);
            return t;
        });
        try (Connection second = c.unwrap(DuckDBConnection.class).duplicate()) {
            Future<?> measurements = pool.submit(() -> {
                long t = System.nanoTime();
                MeasurementsGenerator.generate(second, params.measurementRows(), params.seed());
                Progress.log(progress, "oracle: %,d measurements in %s", params.measurementRows(), Progress.since(t));
                return null;
            });
            try {
                long t = System.nanoTime();
                TpchGenerator.generate(c, params.scaleFactor());
                Progress.log(progress, "oracle: TPC-H sf=%s, %,d lineitem rows in %s", params.scaleFactor(),
                        Sql.queryLong(c, "SELECT count(*) FROM lineitem"), Progress.since(t));
                if (params.hasEdgeDataset()) {
                    t = System.nanoTime();
                    EdgeCaseGenerator.generate(c, params.edgeRows());
                    Progress.log(progress, "oracle: edge dataset, %,d facts in %s", params.edgeRows(), Progress.since(t));
                }
            } finally {
                // Always wait, even when TPC-H failed: the second connection must not be closed under a running appender.
                awaitUninterruptibly(measurements);
            }
        } finally {
            pool.shutdown();
        }
    }

    private static void awaitUninterruptibly(Future<?> f) throws SQLException {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    f.get();
                    return;
                } catch (InterruptedException e) {
                    interrupted = true;
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof SQLException se) {
                        throw se;
                    }
                    throw new SQLException("measurements generation failed", e.getCause());
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Locks an oracle against regeneration; {@link ShardBuilder} holds it too while reading the oracle. */
    static DirLock lock(Path oracle) throws IOException {
        return DirLock.acquire(oracle.toAbsolutePath().resolveSibling(".oracle.lock"));
    }

    /** The params recorded next to an oracle file, if it was written completely by {@link #ensure}. */
    static Optional<DataParams> recordedParams(Path oracle) {
        return readSidecar(oracle.toAbsolutePath().resolveSibling(SIDECAR)).map(OracleInfo::params);
    }

    private static boolean isCurrent(Path oracle, Path sidecar, DataParams params) throws IOException {
        Optional<OracleInfo> info = readSidecar(sidecar);
        return info.isPresent()
                && info.get().generatorVersion() == GENERATOR_VERSION
                && params.equals(info.get().params())
                && Files.isRegularFile(oracle)
                && Files.size(oracle) == info.get().size()
                // A leftover WAL means someone opened the oracle read-write and changed it.
                && !Files.exists(walOf(oracle));
    }

    private static Optional<OracleInfo> readSidecar(Path sidecar) {
        if (!Files.isRegularFile(sidecar)) {
            return Optional.empty();
        }
        try {
            return Optional.of(Json.readFile(sidecar, OracleInfo.class));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    static Path walOf(Path dbFile) {
        return dbFile.resolveSibling(dbFile.getFileName() + ".wal");
    }

    /** Deletes a DuckDB database file and its write-ahead log. */
    static void deleteDuckDbFile(Path dbFile) throws IOException {
        Files.deleteIfExists(dbFile);
        Files.deleteIfExists(walOf(dbFile));
    }
}
