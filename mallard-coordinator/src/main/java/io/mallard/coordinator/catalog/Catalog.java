package io.mallard.coordinator.catalog;

import io.mallard.common.ErrorCode;
import io.mallard.common.MallardException;
import io.mallard.data.store.ShardStore;
import io.mallard.data.table.Snapshot;
import io.mallard.data.table.DataFile;
import io.mallard.data.table.PinnedSnapshot;
import io.mallard.data.table.TableDef;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The catalog: which tables exist and which immutable files hold their rows, version by version. Readers take the
 * current {@link Snapshot} (a query pins the one it starts with); writers commit one {@link Change} at a time, after
 * the files it adds are in the store, so a crash leaves either the old version or the new one, and at worst files
 * no version names (garbage, removed by {@link GarbageCollector}).
 */
public final class Catalog implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Catalog.class);

    private final CatalogStore store;
    private final ShardStore files;
    private final ClusterInfo info;
    private final LocalFiles local;
    private final ReentrantLock commits = new ReentrantLock();
    private final List<Consumer<Snapshot>> listeners = new CopyOnWriteArrayList<>();
    /** Guards {@link #current}'s replacement, the pins and the retired files: a pin never misses a commit's retirement. */
    private final Object pins = new Object();
    /** Versions that running readers hold, with how many readers hold each. Guarded by {@link #pins}. */
    private final Map<Long, Held> pinned = new HashMap<>();
    /** Files that left the current version but may still be pinned, by id. Guarded by {@link #pins}. */
    private final Map<String, DataFile> retired = new LinkedHashMap<>();
    private volatile Snapshot current;

    /** A pinned version and its readers. */
    private static final class Held {
        final Snapshot snapshot;
        int readers;

        Held(Snapshot snapshot) {
            this.snapshot = snapshot;
        }
    }

    private Catalog(CatalogStore store, ShardStore files, ClusterInfo info, Snapshot current, Path cache) {
        this.store = store;
        this.files = files;
        this.info = info;
        this.current = current;
        this.local = new LocalFiles(files, cache);
    }

    /**
     * Opens an existing catalog; fails clearly when the directory was never bootstrapped.
     *
     * @param cache where files of a remote store are kept while the coordinator reads them itself
     */
    public static Catalog open(Path file, ShardStore files, Path cache) throws SQLException {
        CatalogStore store = CatalogStore.open(file);
        try {
            ClusterInfo info = store.cluster().orElseThrow(() -> new MallardException(ErrorCode.INVALID_ARGUMENT,
                    "the catalog " + file + " is empty: run `mallard bootstrap` on its cluster directory first"));
            return new Catalog(store, files, info, store.load(info.shardCount()), cache);
        } catch (SQLException | RuntimeException e) {
            store.close();
            throw e;
        }
    }

    /** Opens the catalog, creating it with {@code info} when it does not exist yet. */
    public static Catalog openOrCreate(Path file, ShardStore files, ClusterInfo info, Path cache) throws SQLException {
        CatalogStore store = CatalogStore.open(file);
        try {
            Optional<ClusterInfo> existing = store.cluster();
            if (existing.isEmpty()) {
                store.initialize(info);
            } else if (existing.get().shardCount() != info.shardCount()) {
                throw new MallardException(ErrorCode.INVALID_ARGUMENT, "the catalog " + file + " has "
                        + existing.get().shardCount() + " shards, not " + info.shardCount()
                        + "; the shard count is fixed when a cluster is made");
            }
            ClusterInfo actual = existing.orElse(info);
            return new Catalog(store, files, actual, store.load(actual.shardCount()), cache);
        } catch (SQLException | RuntimeException e) {
            store.close();
            throw e;
        }
    }

    /** The current version: what a query starting now reads. */
    public Snapshot snapshot() {
        return current;
    }

    /**
     * Pins the current version for a reader: the files it names stay in the store, and with the workers that hold
     * them, until every pin of it is closed, whatever commits meanwhile. Close it when the reader is done.
     */
    public PinnedSnapshot pin() {
        Snapshot snapshot;
        synchronized (pins) {
            snapshot = current;
            pinned.computeIfAbsent(snapshot.version(), v -> new Held(snapshot)).readers++;
        }
        return new PinnedSnapshot(snapshot, () -> unpin(snapshot.version()));
    }

    private void unpin(long version) {
        synchronized (pins) {
            Held held = pinned.get(version);
            if (held != null && --held.readers == 0) {
                pinned.remove(version);
            }
        }
        deleteRetired();
    }

    /** Whether a version older than the current one that a reader pinned names {@code fileId}. */
    public boolean pinnedByOldVersion(String fileId) {
        synchronized (pins) {
            if (!retired.containsKey(fileId)) {
                return false;
            }
            for (Held held : pinned.values()) {
                if (held.snapshot.file(fileId).isPresent()) {
                    return true;
                }
            }
            return false;
        }
    }

    /** How many versions readers hold now (a test's and an operator's view of what keeps old files). */
    public int pinnedVersions() {
        synchronized (pins) {
            return pinned.size();
        }
    }

    public ClusterInfo info() {
        return info;
    }

    public ShardStore files() {
        return files;
    }

    /** A local file with the stored bytes of {@code file} (the store's own file, or a verified download). */
    public Path localCopy(io.mallard.data.table.DataFile file) {
        return local.path(file);
    }

    /** Called with every new snapshot after its commit, in commit order (placement, reference copy, plan cache). */
    public void onCommit(Consumer<Snapshot> listener) {
        listeners.add(listener);
    }

    /**
     * Commits what {@code change} computes from the current snapshot, holding the commit lock meanwhile, so that two
     * writers never build on the same version. The files the change adds must already be in the store.
     */
    public Snapshot commit(java.util.function.Function<Snapshot, Change> change) {
        commits.lock();
        try {
            Snapshot base = current;
            Change c = change.apply(base);
            long next = base.version() + 1;
            try {
                store.commit(next, c);
            } catch (SQLException e) {
                throw new MallardException(ErrorCode.INTERNAL_ERROR, "the catalog could not commit version " + next
                        + ": " + e.getMessage(), e);
            }
            Snapshot committed = c.applyTo(base, next);
            synchronized (pins) {
                current = committed;
                for (DataFile f : base.files()) {
                    if (committed.file(f.fileId()).isEmpty()) {
                        retired.put(f.fileId(), f);
                    }
                }
            }
            LOG.info("committed version {}: {} {} ({} rows added, {} removed)", next, c.kind(),
                    c.tableName() == null ? "" : c.tableName(), c.rowsAdded(), c.rowsRemoved());
            for (Consumer<Snapshot> listener : listeners) {
                try {
                    listener.accept(committed);
                } catch (RuntimeException e) {
                    LOG.error("a listener of version {} failed", next, e);
                }
            }
            deleteRetired();
            return committed;
        } finally {
            commits.unlock();
        }
    }

    /**
     * Commits files that are already in the store as new rows of a table (for tools that make files themselves, such as
     * the simulated cluster of the benchmarks; tables are written by {@link TableWriter}).
     */
    public Snapshot commitFiles(String user, String tableName, List<io.mallard.data.table.DataFile> added, long rows) {
        return commit(base -> new Change(user, "INSERT", tableName, null, List.of(), List.of(), added, List.of(), rows, 0));
    }

    /** Runs {@code body} holding the commit lock: a writer that must read and write without another commit between. */
    public <T> T exclusively(java.util.function.Supplier<T> body) {
        commits.lock();
        try {
            return body.get();
        } finally {
            commits.unlock();
        }
    }

    /** The commit log, newest first. */
    public List<CommitRecord> commitLog(int limit) {
        try {
            return store.commits(limit);
        } catch (SQLException e) {
            throw new MallardException(ErrorCode.INTERNAL_ERROR, "reading the commit log: " + e.getMessage(), e);
        }
    }

    /** Deletes the local copies of files the current version does not name (for garbage collection). */
    int pruneLocalCopies() throws java.io.IOException {
        java.util.Set<String> live = new java.util.HashSet<>();
        current.files().forEach(f -> live.add(f.fileId()));
        return local.retainOnly(live);
    }

    /**
     * Deletes from the store the files that left the current version and that no pinned version names: nothing can
     * read them any more (workers were told to drop them, and keep a file only while a task of theirs reads it).
     */
    private void deleteRetired() {
        List<DataFile> unread = new ArrayList<>();
        synchronized (pins) {
            for (DataFile f : List.copyOf(retired.values())) {
                boolean read = current.file(f.fileId()).isPresent();
                for (Held held : pinned.values()) {
                    read |= held.snapshot.file(f.fileId()).isPresent();
                }
                if (!read) {
                    retired.remove(f.fileId());
                    unread.add(f);
                }
            }
        }
        for (DataFile f : unread) {
            try {
                files.delete(f.storeKey());
                local.evict(f.fileId());
            } catch (IOException e) {
                LOG.warn("could not delete {} from the store ({}); the next start's garbage collection will",
                        f.storeKey(), e.getMessage());
            }
        }
        if (!unread.isEmpty()) {
            LOG.debug("store: deleted {} files no version in use names", unread.size());
        }
    }

    /** The commits after {@code version}, oldest first ({@code mallard.commits}). */
    public List<CommitRecord> commitsAfter(long version) {
        try {
            return store.commitsAfter(version);
        } catch (SQLException e) {
            throw new MallardException(ErrorCode.INTERNAL_ERROR, "reading the commit log: " + e.getMessage(), e);
        }
    }

    /** Every table of the current version with its size and last change ({@code mallard.tables}). */
    public List<TableSummary> tableSummaries() {
        Snapshot snapshot = current;
        Map<Long, CatalogStore.LastChange> changes;
        try {
            changes = store.lastChanges(snapshot.version());
        } catch (SQLException e) {
            throw new MallardException(ErrorCode.INTERNAL_ERROR, "reading the catalog: " + e.getMessage(), e);
        }
        List<TableSummary> out = new ArrayList<>();
        for (TableDef t : snapshot.tables()) {
            CatalogStore.LastChange last = changes.get(t.id());
            int fileCount = (int) snapshot.files().stream().filter(f -> f.tableId() == t.id()).count();
            out.add(new TableSummary(t.name(), t.role(), t.shardKey(), snapshot.shardCount(), snapshot.rows(t.id()),
                    snapshot.bytes(t.id()), fileCount, last == null ? 0 : last.version(), last == null ? null : last.at()));
        }
        return out;
    }

    /** Store keys of every file any version ever named (for garbage collection). */
    List<String> knownStoreKeys() throws SQLException {
        return store.storeKeysOf("true");
    }

    @Override
    public void close() {
        try {
            store.close();
        } catch (SQLException e) {
            LOG.warn("closing the catalog: {}", e.getMessage());
        }
    }
}
