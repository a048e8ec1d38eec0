package io.mallard.coordinator.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.mallard.common.ErrorCode;
import io.mallard.common.MallardException;
import io.mallard.data.store.ShardStore;
import io.mallard.data.table.DataFile;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The coordinator's verified local copies of a remote store's files. */
class LocalFilesTest {
    private static final byte[] BYTES = "the stored bytes of one file".getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path cache;

    @Test
    void twoReadersOfTheSameFileShareOneVerifiedDownload() throws Exception {
        CountDownLatch opened = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        RemoteStore store = new RemoteStore(Map.of("tables/1/all/f1a1f1a1.duckdb", BYTES), opened, release);
        LocalFiles files = new LocalFiles(store, cache);
        DataFile file = file("f1a1f1a1", BYTES);
        CompletableFuture<Path> first = CompletableFuture.supplyAsync(() -> files.path(file));
        assertThat(opened.await(30, TimeUnit.SECONDS)).isTrue();
        Thread[] second = new Thread[1];
        CompletableFuture<Path> other = new CompletableFuture<>();
        second[0] = new Thread(() -> other.complete(files.path(file)));
        second[0].start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (second[0].getState() != Thread.State.BLOCKED && System.nanoTime() < deadline) {
            Thread.onSpinWait(); // the second reader waits for the first download
        }
        assertThat(second[0].getState()).isEqualTo(Thread.State.BLOCKED);
        release.countDown();
        Path a = first.get(30, TimeUnit.SECONDS);
        Path b = other.get(30, TimeUnit.SECONDS);
        assertThat(a).isEqualTo(b).hasBinaryContent(BYTES);
        assertThat(store.opens.get()).isEqualTo(1);
        try (var left = Files.list(cache)) {
            assertThat(left.toList()).containsExactly(a);
        }
    }

    @Test
    void bytesThatDoNotMatchAreRefusedAndNotKept() throws Exception {
        RemoteStore store = new RemoteStore(Map.of("tables/1/all/f2b2f2b2.duckdb", BYTES), null, null);
        LocalFiles files = new LocalFiles(store, cache);
        MallardException e = catchThrowableOfType(MallardException.class,
                () -> files.path(file("f2b2f2b2", "other bytes".getBytes(StandardCharsets.UTF_8))));
        assertThat(e.code()).isEqualTo(ErrorCode.SHARD_VERIFICATION_FAILED);
        try (var left = Files.list(cache)) {
            assertThat(left.toList()).isEmpty();
        }
    }

    @Test
    void copiesOfFilesNoVersionNamesArePruned() throws Exception {
        RemoteStore store = new RemoteStore(Map.of("tables/1/all/f1a1f1a1.duckdb", BYTES, "tables/1/all/f3c3f3c3.duckdb", BYTES),
                null, null);
        LocalFiles files = new LocalFiles(store, cache);
        Path kept = files.path(file("f1a1f1a1", BYTES));
        files.path(file("f3c3f3c3", BYTES));
        Files.writeString(cache.resolve("f9a9f9a9.1234.download"), "left by a crash");
        assertThat(files.retainOnly(Set.of("f1a1f1a1"))).isEqualTo(2);
        try (var left = Files.list(cache)) {
            assertThat(left.toList()).containsExactly(kept);
        }
    }

    private static DataFile file(String id, byte[] content) throws Exception {
        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
        return new DataFile(id, 1, DataFile.ALL_SHARDS, DataFile.Kind.DATA, "tables/1/all/" + id + ".duckdb",
                BYTES.length, sha, 1, List.of(0), null);
    }

    /** A store that is not a local directory; its first read can be held until the test lets it go. */
    private static final class RemoteStore implements ShardStore {
        final AtomicInteger opens = new AtomicInteger();
        private final Map<String, byte[]> objects;
        private final CountDownLatch opened;
        private final CountDownLatch release;

        RemoteStore(Map<String, byte[]> objects, CountDownLatch opened, CountDownLatch release) {
            this.objects = objects;
            this.opened = opened;
            this.release = release;
        }

        @Override
        public InputStream open(String key) {
            opens.incrementAndGet();
            if (opened != null) {
                opened.countDown();
                try {
                    if (!release.await(30, TimeUnit.SECONDS)) {
                        throw new IllegalStateException("never released");
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
            }
            return new ByteArrayInputStream(objects.get(key));
        }

        @Override
        public void put(String key, Path localFile) {
            throw new UnsupportedOperationException();
        }

        @Override
        public long size(String key) {
            return objects.get(key).length;
        }

        @Override
        public boolean exists(String key) {
            return objects.containsKey(key);
        }

        @Override
        public void delete(String key) {
            throw new UnsupportedOperationException();
        }

        @Override
        public List<String> list(String prefix) {
            return objects.keySet().stream().filter(k -> k.startsWith(prefix)).sorted().toList();
        }

        @Override
        public URI downloadUrl(String key, String workerId, Duration ttl) {
            throw new UnsupportedOperationException();
        }

        @Override
        public String describe() {
            return "a remote store of the test";
        }

        @Override
        public void close() {
        }
    }
}
