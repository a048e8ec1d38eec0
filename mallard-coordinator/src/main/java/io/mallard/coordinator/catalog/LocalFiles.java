package io.mallard.coordinator.catalog;

import io.mallard.common.ErrorCode;
import io.mallard.common.MallardException;
import io.mallard.data.FileDigests;
import io.mallard.data.store.LocalShardStore;
import io.mallard.data.store.ShardStore;
import io.mallard.data.table.DataFile;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The coordinator's local copies of stored files, for what it reads itself (reference copies, compaction, proofs):
 * the file itself when the store is a local directory, else a verified download kept in a cache directory.
 */
final class LocalFiles {
    private final ShardStore store;
    private final Path cache;
    private final java.util.concurrent.ConcurrentHashMap<String, Object> downloads =
            new java.util.concurrent.ConcurrentHashMap<>();

    LocalFiles(ShardStore store, Path cache) {
        this.store = store;
        this.cache = cache;
    }

    Path path(DataFile file) {
        if (store instanceof LocalShardStore local) {
            return local.file(file.storeKey());
        }
        Path target = cache.resolve(file.fileId() + ".duckdb");
        // one download per file at a time: proofs of several workers and the writer may ask for the same file at once
        Object lock = downloads.computeIfAbsent(file.fileId(), id -> new Object());
        synchronized (lock) {
            try {
                return download(file, target);
            } finally {
                downloads.remove(file.fileId(), lock);
            }
        }
    }

    private Path download(DataFile file, Path target) {
        try {
            if (Files.exists(target) && Files.size(target) == file.size()) {
                return target;
            }
            Files.createDirectories(cache);
            // a name of its own: a second download of the same file (after the lock was let go) never writes into it
            Path partial = cache.resolve(file.fileId() + "." + java.util.UUID.randomUUID() + ".download");
            try {
                try (InputStream in = store.open(file.storeKey())) {
                    Files.copy(in, partial, StandardCopyOption.REPLACE_EXISTING);
                }
                if (!FileDigests.sha256(partial).equals(file.sha256())) {
                    throw new MallardException(ErrorCode.SHARD_VERIFICATION_FAILED, "file " + file.fileId()
                            + " in the store does not match its SHA-256");
                }
                Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                return target;
            } finally {
                Files.deleteIfExists(partial); // gone after the move; what a failed download left otherwise
            }
        } catch (IOException e) {
            throw new MallardException(ErrorCode.IO_ERROR, "cannot read file " + file.fileId() + " from the store: "
                    + e.getMessage(), e);
        }
    }

    /**
     * Deletes cached downloads of files not in {@code live} (files no version reads any more, and partial downloads a
     * crash left); returns how many.
     */
    int retainOnly(java.util.Set<String> live) throws IOException {
        if (store instanceof LocalShardStore || !Files.isDirectory(cache)) {
            return 0;
        }
        int deleted = 0;
        try (java.util.stream.Stream<Path> files = Files.list(cache)) {
            for (Path file : files.toList()) {
                String name = file.getFileName().toString();
                String id = name.endsWith(".duckdb") ? name.substring(0, name.length() - ".duckdb".length()) : null;
                if (id == null || !live.contains(id)) {
                    Files.deleteIfExists(file);
                    deleted++;
                }
            }
        }
        return deleted;
    }

    /** Forgets a cached download (after its file was removed from every version). */
    void evict(String fileId) {
        try {
            Files.deleteIfExists(cache.resolve(fileId + ".duckdb"));
        } catch (IOException e) {
            // a stale cache entry is harmless: it is found by id only
        }
    }
}
