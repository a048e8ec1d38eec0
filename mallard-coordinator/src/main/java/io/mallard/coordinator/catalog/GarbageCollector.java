package io.mallard.coordinator.catalog;

import io.mallard.data.store.ShardStore;
import java.io.IOException;
import java.sql.SQLException;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Removes from the store what no query can read: files a failed or interrupted change wrote but never committed, and
 * files that only versions before the current one name, in whichever store the cluster uses (listed and deleted in the
 * bucket for S3), and the coordinator's local copies of such files. Runs when the coordinator starts, before any query:
 * then no query pins an old version.
 */
public final class GarbageCollector {
    private static final Logger LOG = LoggerFactory.getLogger(GarbageCollector.class);
    private static final String TABLES = "tables/";

    private GarbageCollector() {
    }

    /** Deletes every stored file under {@code tables/} that the current version does not name; returns how many. */
    public static int sweep(Catalog catalog) throws IOException, SQLException {
        ShardStore store = catalog.files();
        Set<String> live = new HashSet<>();
        catalog.snapshot().files().forEach(f -> live.add(f.storeKey()));
        Set<String> committed = new HashSet<>(catalog.knownStoreKeys());
        List<String> stored = store.list(TABLES);
        int deleted = 0;
        int orphans = 0;
        for (String key : stored) {
            if (!live.contains(key)) {
                store.delete(key);
                deleted++;
                if (!committed.contains(key)) {
                    orphans++;
                }
            }
        }
        if (deleted > 0) {
            LOG.info("store: deleted {} files no version reads ({} never committed) from {}", deleted, orphans,
                    store.describe());
        }
        int copies = catalog.pruneLocalCopies();
        if (copies > 0) {
            LOG.info("store: deleted {} local copies of files no version reads", copies);
        }
        return deleted;
    }
}
