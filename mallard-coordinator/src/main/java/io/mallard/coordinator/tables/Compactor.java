package io.mallard.coordinator.tables;

import io.mallard.common.ErrorCode;
import io.mallard.common.MallardException;
import io.mallard.coordinator.CompactionPolicy;
import io.mallard.coordinator.catalog.Change;
import io.mallard.coordinator.catalog.TableWriter;
import io.mallard.data.table.DataFile;
import io.mallard.data.table.Snapshot;
import io.mallard.data.table.TableDef;
import io.mallard.data.table.ViewSql;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Compacts tables in the background: the data files of one (table, shard) that are small, or that lost many rows to
 * DELETE and UPDATE, are read with their delete files applied and written as one new file; one commit (kind
 * {@code COMPACT} in {@code mallard.commits}) swaps them, but only if they and their delete files are still the current
 * ones. Each (table, shard) is compacted as a change of its own under {@link TableChanges#exclusively}, so no statement
 * changes the table meanwhile; a query keeps reading the version it pinned. The old files leave the store once no
 * running query pins a version that names them.
 */
public final class Compactor implements AutoCloseable {
    /** The user compactions are logged as. */
    public static final String USER = "mallard";
    private static final Logger LOG = LoggerFactory.getLogger(Compactor.class);

    private final TableChanges changes;
    private final TableWriter writer;
    private final CompactionPolicy policy;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "mallard-compaction");
        t.setDaemon(true);
        return t;
    });

    Compactor(TableChanges changes, TableWriter writer, CompactionPolicy policy) {
        this.changes = changes;
        this.writer = writer;
        this.policy = policy;
    }

    /** Starts the background task when the policy enables it. */
    public void start() {
        if (policy.enabled()) {
            timer.scheduleWithFixedDelay(this::runQuietly, policy.intervalMillis(), policy.intervalMillis(),
                    TimeUnit.MILLISECONDS);
            LOG.info("compaction every {} ms: more than {} data files under {} rows in a shard of a table, or over {} % "
                    + "of a file's rows deleted", policy.intervalMillis(), policy.maxFiles(), policy.smallFileRows(),
                    Math.round(policy.maxDeletedFraction() * 100));
        }
    }

    private void runQuietly() {
        try {
            compactNow();
        } catch (RuntimeException e) {
            LOG.warn("compaction round failed: {}", e.toString());
        }
    }

    /** What one compaction did. */
    public record Compacted(String table, String shard, int dataFiles, int deleteFiles, long rowsRead, long rowsWritten) {
    }

    /**
     * One round now, whatever the policy's {@code enabled} says: compacts every (table, shard) over the thresholds,
     * each as a change of its own. A (table, shard) that changed meanwhile is left for the next round.
     */
    public List<Compacted> compactNow() {
        return compactNow(null);
    }

    /** As {@link #compactNow()}, for the table named {@code only} (every table when null). */
    public List<Compacted> compactNow(String only) {
        List<Compacted> done = new ArrayList<>();
        for (TableDef table : writer.catalog().snapshot().tables()) {
            if (only != null && !table.name().equalsIgnoreCase(only)) {
                continue;
            }
            for (int shard : shardsOf(writer.catalog().snapshot(), table.id())) {
                try {
                    Compacted c = changes.exclusively(() -> compact(table.id(), shard));
                    if (c != null) {
                        done.add(c);
                    }
                } catch (Abandoned e) {
                    LOG.info("compaction of {} {} given up this round: {}", table.name(), shardName(shard), e.getMessage());
                } catch (MallardException e) {
                    LOG.warn("compaction of {} {} failed: {}", table.name(), shardName(shard), e.getMessage());
                }
            }
        }
        return done;
    }

    /** The shards (and the whole-table groups, {@link DataFile#ALL_SHARDS} and {@link DataFile#REFERENCE}) with files. */
    private static List<Integer> shardsOf(Snapshot snapshot, long tableId) {
        return snapshot.dataFiles(tableId).stream().map(DataFile::shard).distinct().sorted().toList();
    }

    /** Compacts one (table, shard) if it is over the thresholds, holding the change lock; null when it was not. */
    private Compacted compact(long tableId, int shard) {
        Snapshot base = writer.catalog().snapshot();
        TableDef table = base.table(tableId).orElse(null);
        if (table == null) {
            return null; // dropped meanwhile
        }
        List<DataFile> chosen = choose(base, table, shard);
        if (chosen.isEmpty()) {
            return null;
        }
        long start = System.nanoTime();
        List<DataFile> inputs = new ArrayList<>();
        List<ViewSql.FileRead> reads = new ArrayList<>();
        long rowsRead = 0;
        int deleteFiles = 0;
        DataFile merged = null;
        try {
            for (DataFile f : chosen) {
                writer.attach(f);
                inputs.add(f);
                DataFile deletes = base.deletesOf(f.fileId()).orElse(null);
                if (deletes != null) {
                    writer.attach(deletes);
                    inputs.add(deletes);
                    deleteFiles++;
                }
                rowsRead += f.rows();
                reads.add(new ViewSql.FileRead(f.fileId(), f.columnIds(), deletes == null ? null : deletes.fileId()));
            }
            merged = writer.writeRowsForShard(table, "(" + ViewSql.select(table.columns(), reads, id -> "f_" + id) + ")",
                    shard);
            List<DataFile> added = merged == null ? List.of() : List.of(merged);
            String description = String.format(Locale.ROOT, "compaction of %s: %d data files and %d delete files into %s",
                    shardName(shard), chosen.size(), deleteFiles, merged == null ? "none (every row was deleted)" : "one");
            long rowsWritten = merged == null ? 0 : merged.rows();
            writer.commit(now -> {
                for (DataFile f : chosen) {
                    if (now.file(f.fileId()).isEmpty() || !now.deletesOf(f.fileId()).map(DataFile::fileId)
                            .equals(base.deletesOf(f.fileId()).map(DataFile::fileId))) {
                        throw new Abandoned("file " + f.fileId() + " changed while it was compacted");
                    }
                }
                return new Change(USER, "COMPACT", table.name(), description, List.of(), List.of(), added,
                        inputs.stream().map(DataFile::fileId).toList(), 0, 0);
            }, table);
            Compacted done = new Compacted(table.name(), shardName(shard), chosen.size(), deleteFiles, rowsRead, rowsWritten);
            LOG.info("compacted {} {}: {} data files ({} rows) and {} delete files into {} rows in {} ms", table.name(),
                    shardName(shard), chosen.size(), rowsRead, deleteFiles, rowsWritten,
                    (System.nanoTime() - start) / 1_000_000);
            return done;
        } catch (SQLException e) {
            discard(merged);
            throw new MallardException(ErrorCode.IO_ERROR, "reading its files failed: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            discard(merged);
            throw e;
        } finally {
            inputs.forEach(f -> writer.detach(f.fileId())); // after a commit these are detached already
        }
    }

    private void discard(DataFile merged) {
        if (merged != null) {
            writer.discard(List.of(merged));
        }
    }

    /**
     * The data files of (table, shard) to compact: its small files when there are more than the policy allows, and every
     * file whose deleted rows pass the policy's share; none when neither applies.
     */
    List<DataFile> choose(Snapshot snapshot, TableDef table, int shard) {
        List<DataFile> files = snapshot.dataFiles(table.id()).stream().filter(f -> f.shard() == shard).toList();
        List<DataFile> small = files.stream().filter(f -> f.rows() < policy.smallFileRows()).toList();
        Map<String, DataFile> chosen = new TreeMap<>();
        if (small.size() > policy.maxFiles()) {
            small.forEach(f -> chosen.put(f.fileId(), f));
        }
        for (DataFile f : files) {
            long deleted = snapshot.deletesOf(f.fileId()).map(DataFile::rows).orElse(0L);
            if (deleted > policy.maxDeletedFraction() * f.rows()) {
                chosen.put(f.fileId(), f);
            }
        }
        // in the order the version lists them, so that the merged file keeps the rows' order
        return files.stream().filter(f -> chosen.containsKey(f.fileId())).toList();
    }

    private static String shardName(int shard) {
        return switch (shard) {
            case DataFile.ALL_SHARDS -> "all shards";
            case DataFile.REFERENCE -> "full copy";
            default -> Snapshot.shardId(shard);
        };
    }

    /** A compaction that was given up: the files changed meanwhile, or could not be read. Tried again next round. */
    static final class Abandoned extends MallardException {
        Abandoned(String why) {
            super(ErrorCode.INVALID_ARGUMENT, why);
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
        try {
            if (!timer.awaitTermination(30, TimeUnit.SECONDS)) {
                LOG.warn("a compaction was still running at shutdown");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
