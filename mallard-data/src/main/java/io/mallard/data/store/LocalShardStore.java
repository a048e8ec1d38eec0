package io.mallard.data.store;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * The embedded default store: files under one directory of the coordinator, key {@code a/b/c.duckdb} at
 * {@code <root>/a/b/c.duckdb}. Workers download through the coordinator's HTTPS server with URLs from the supplied
 * {@link DownloadUrlSigner}; that server finds the bytes with {@link #file(String)}.
 *
 * <p>A put links (or, on another file system, copies) the file into {@code <root>/.incoming/}, forces it to disk, then
 * renames it into place atomically, so a crash leaves either the old state or the whole new file (plus, at worst, a leftover in {@code .incoming}, which no
 * key can name, {@link #list} never shows, and the next start of the store removes; {@link #list} shows no other file
 * whose name is not a valid key either). One process owns the directory
 * (the coordinator holds its lock). Directories of deleted files are left in place.
 */
public final class LocalShardStore implements ShardStore {
    private static final String INCOMING = ".incoming";

    private final Path root;
    private final Path incoming;
    private final DownloadUrlSigner urls;

    /** Opens (and creates if needed) the store at {@code root}, removing what interrupted puts left. */
    public LocalShardStore(Path root, DownloadUrlSigner urls) throws IOException {
        this.root = Files.createDirectories(root).toRealPath();
        this.incoming = Files.createDirectories(this.root.resolve(INCOMING));
        this.urls = Objects.requireNonNull(urls, "urls");
        try (DirectoryStream<Path> leftovers = Files.newDirectoryStream(incoming)) {
            for (Path leftover : leftovers) {
                Files.deleteIfExists(leftover);
            }
        }
    }

    /** The directory holding the files. */
    public Path root() {
        return root;
    }

    /**
     * Where the file of {@code key} is (whether or not it exists): what the coordinator's HTTPS server streams to a
     * worker after checking the URL's signature. The key is validated, so the path is always inside {@link #root()}.
     */
    public Path file(String key) {
        return root.resolve(StoreKey.requireValid(key));
    }

    @Override
    public void put(String key, Path localFile) throws IOException {
        Path target = file(key);
        Path partial = incoming.resolve("put-" + UUID.randomUUID() + ".partial");
        try {
            try {
                // the written file is final: a second name for it spares copying it (on a disk, also writing it again)
                Files.createLink(partial, localFile);
            } catch (IOException | UnsupportedOperationException e) {
                Files.copy(localFile, partial, StandardCopyOption.REPLACE_EXISTING);
            }
            force(partial, StandardOpenOption.WRITE);
            Files.createDirectories(target.getParent());
            Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(partial);
        }
        force(target.getParent(), StandardOpenOption.READ); // the rename itself survives a power loss
    }

    @Override
    public InputStream open(String key) throws IOException {
        return Files.newInputStream(existing(key));
    }

    @Override
    public long size(String key) throws IOException {
        return Files.size(existing(key));
    }

    @Override
    public boolean exists(String key) {
        return Files.isRegularFile(file(key));
    }

    @Override
    public void delete(String key) throws IOException {
        Files.deleteIfExists(file(key));
    }

    @Override
    public List<String> list(String prefix) throws IOException {
        StoreKey.requireValidPrefix(prefix);
        // Walk only the deepest directory the prefix names in full.
        int slash = prefix.lastIndexOf('/');
        Path start = slash < 0 ? root : root.resolve(prefix.substring(0, slash));
        List<String> keys = new ArrayList<>();
        if (!Files.isDirectory(start)) {
            return keys;
        }
        Files.walkFileTree(start, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                return dir.equals(incoming) ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                String key = keyOf(file);
                if (attrs.isRegularFile() && key.startsWith(prefix) && StoreKey.isValid(key)) {
                    keys.add(key);
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                if (e instanceof NoSuchFileException) {
                    return FileVisitResult.CONTINUE; // deleted while we walked: not listed
                }
                throw e;
            }
        });
        keys.sort(null);
        return keys;
    }

    @Override
    public URI downloadUrl(String key, String workerId, Duration ttl) {
        StoreKey.requireValid(key);
        if (ttl == null || ttl.isNegative() || ttl.isZero()) {
            throw new IllegalArgumentException("a download URL needs a positive time to live");
        }
        return urls.sign(key, workerId, ttl);
    }

    @Override
    public String describe() {
        return "local directory " + root;
    }

    @Override
    public void close() {
        // Nothing is held open between calls.
    }

    private Path existing(String key) throws NoSuchFileException {
        Path file = file(key);
        if (!Files.isRegularFile(file)) {
            throw new NoSuchFileException(key, null, "not in " + describe());
        }
        return file;
    }

    private String keyOf(Path file) {
        StringBuilder key = new StringBuilder();
        for (Path part : root.relativize(file)) {
            if (key.length() > 0) {
                key.append('/');
            }
            key.append(part);
        }
        return key.toString();
    }

    private static void force(Path path, StandardOpenOption mode) throws IOException {
        try (FileChannel channel = FileChannel.open(path, mode)) {
            channel.force(true);
        }
    }
}
