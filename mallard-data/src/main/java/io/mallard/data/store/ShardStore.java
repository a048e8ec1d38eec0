package io.mallard.data.store;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Where the coordinator keeps every data file it writes, and how workers are sent to download one.
 *
 * <p>Keys are relative, {@code /}-separated names such as {@code tables/<table>/<shard>/<uuid>.duckdb}; see
 * {@link StoreKey} for what a key may contain. Files are immutable once put: a new version of a table writes new keys,
 * so a reader never sees a file change under it. A missing key is reported as {@link java.nio.file.NoSuchFileException},
 * a store that refuses the coordinator's credentials as {@link java.nio.file.AccessDeniedException}, and anything else
 * (an unreachable endpoint, a full disk) as another {@link IOException}.
 *
 * <p>Implementations are safe for concurrent use.
 */
public interface ShardStore extends Closeable {

    /**
     * Stores a finished local file under {@code key}, atomically: readers see either no file or all of it, never a
     * partial one. An existing file under the same key is replaced. The local file must not change afterwards (the
     * embedded store may keep it as a second name of the same file); deleting it is fine.
     */
    void put(String key, Path localFile) throws IOException;

    /** Opens the stored bytes for reading (proofs of possession, compaction); the caller closes the stream. */
    InputStream open(String key) throws IOException;

    /** The stored file's length in bytes. */
    long size(String key) throws IOException;

    /** Whether a file is stored under {@code key}. */
    boolean exists(String key) throws IOException;

    /** Removes the file under {@code key}; removing a key that is not there is not an error. */
    void delete(String key) throws IOException;

    /**
     * Every stored key that starts with {@code prefix} (a plain string prefix, not a glob; {@code ""} lists all), in
     * ascending order. For garbage collection of files that no committed version names.
     */
    List<String> list(String prefix) throws IOException;

    /**
     * A URL from which {@code workerId} may download {@code key} with a plain HTTP GET until {@code ttl} has passed.
     * The URL is a bearer secret until it expires: whoever holds it may download that one file, so keep TTLs short.
     * Whether the URL is bound to the worker depends on the store (see the implementations).
     */
    URI downloadUrl(String key, String workerId, Duration ttl);

    /** What and where this store is, for logs and docs; never contains a credential. */
    String describe();

    /** Releases the store's clients; files stay stored. */
    @Override
    void close();
}
