package io.mallard.data.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What every {@link ShardStore} must do, run against each implementation (the S3 one in mallard-testing, against
 * s3proxy). Download URLs are fetched the way a worker does: a plain {@link HttpClient} with no store credentials.
 */
public abstract class ShardStoreContractTest {
    private static final Duration EXPIRY_DEADLINE = Duration.ofSeconds(30);

    @TempDir
    protected Path tmp;
    protected ShardStore store;
    private final HttpClient plain = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    /** A new, empty store (called before each test; closed after it). */
    protected abstract ShardStore newStore() throws Exception;

    /** Strings {@link ShardStore#describe()} must never contain. */
    protected abstract List<String> secrets();

    @BeforeEach
    void openStore() throws Exception {
        store = newStore();
    }

    @AfterEach
    void closeStore() {
        if (store != null) {
            store.close();
        }
    }

    @Test
    void roundTripsAMultiMegabyteFile() throws IOException {
        byte[] bytes = randomBytes(3 * 1024 * 1024 + 17, 1);
        String key = "tables/events/shard-0003/0f1e2d3c.duckdb";

        store.put(key, write("big.duckdb", bytes));

        assertThat(store.exists(key)).isTrue();
        assertThat(store.size(key)).isEqualTo(bytes.length);
        assertSameBytes(read(key), bytes);
        assertThat(store.list("tables/events/")).containsExactly(key);

        store.delete(key);

        assertThat(store.exists(key)).isFalse();
        assertThat(store.list("tables/events/")).isEmpty();
        assertThatThrownBy(() -> store.open(key).close()).isInstanceOf(NoSuchFileException.class);
        assertThatThrownBy(() -> store.size(key)).isInstanceOf(NoSuchFileException.class);
    }

    @Test
    void putReplacesTheWholeFile() throws IOException {
        String key = "tables/t/s0/a.duckdb";
        store.put(key, write("first", randomBytes(100_000, 2)));
        byte[] second = randomBytes(1_000, 3);

        store.put(key, write("second", second));

        assertSameBytes(read(key), second);
        assertThat(store.size(key)).isEqualTo(second.length);
    }

    @Test
    void anEmptyFileIsAFile() throws IOException {
        store.put("tables/t/s0/empty.duckdb", write("empty", new byte[0]));

        assertThat(store.exists("tables/t/s0/empty.duckdb")).isTrue();
        assertThat(store.size("tables/t/s0/empty.duckdb")).isZero();
        assertThat(read("tables/t/s0/empty.duckdb")).isEmpty();
    }

    @Test
    void deletingAnAbsentKeyIsNoError() throws IOException {
        store.delete("tables/none/s0/x.duckdb");

        assertThat(store.exists("tables/none/s0/x.duckdb")).isFalse();
    }

    @Test
    void listIsAPlainStringPrefixInAscendingOrder() throws IOException {
        Path file = write("small", randomBytes(10, 4));
        List<String> keys = List.of("tables/b/s0/w.duckdb", "tables/a/s1/y.duckdb", "tables/ab/s0/z.duckdb",
                "tables/a/s0/x.duckdb", "other/a.duckdb");
        for (String key : keys) {
            store.put(key, file);
        }

        assertThat(store.list("tables/a/")).containsExactly("tables/a/s0/x.duckdb", "tables/a/s1/y.duckdb");
        assertThat(store.list("tables/a")).containsExactly("tables/a/s0/x.duckdb", "tables/a/s1/y.duckdb",
                "tables/ab/s0/z.duckdb");
        assertThat(store.list("tables/a/s1")).containsExactly("tables/a/s1/y.duckdb");
        assertThat(store.list("")).containsExactly("other/a.duckdb", "tables/a/s0/x.duckdb", "tables/a/s1/y.duckdb",
                "tables/ab/s0/z.duckdb", "tables/b/s0/w.duckdb");
        assertThat(store.list("tables/c/")).isEmpty();
        assertThat(store.list("nothing-here/")).isEmpty();
    }

    @Test
    void aMissingLocalFileStoresNothing() throws IOException {
        assertThatThrownBy(() -> store.put("tables/t/s0/m.duckdb", tmp.resolve("does-not-exist")))
                .isInstanceOf(NoSuchFileException.class);

        assertThat(store.exists("tables/t/s0/m.duckdb")).isFalse();
        assertThat(store.list("")).isEmpty();
    }

    @Test
    void keysThatCouldEscapeOrBeMisreadAreRefused() throws IOException {
        Path file = write("f", randomBytes(10, 5));
        for (String bad : List.of("", "../escape.duckdb", "tables/../../x", "/absolute.duckdb", "a//b", "a/", ".hidden",
                "a/./b", "a\\b", "tables/é.duckdb", "a b", "a?b", "a%2Fb")) {
            assertThatThrownBy(() -> store.put(bad, file)).as(bad).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> store.open(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> store.exists(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> store.delete(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> store.downloadUrl(bad, "w1", Duration.ofMinutes(1))).as(bad)
                    .isInstanceOf(IllegalArgumentException.class);
        }
        assertThatThrownBy(() -> store.list("../")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.list("/")).isInstanceOf(IllegalArgumentException.class);
        assertThat(store.list("")).isEmpty();
    }

    @Test
    void aDownloadUrlServesTheExactBytesToAClientWithoutCredentials() throws Exception {
        byte[] bytes = randomBytes(2 * 1024 * 1024 + 5, 6);
        String key = "tables/t/s7/5c2a.duckdb";
        store.put(key, write("d", bytes));

        URI url = store.downloadUrl(key, "worker-1", Duration.ofMinutes(5));
        HttpResponse<byte[]> response = get(url);

        assertThat(response.statusCode()).isEqualTo(200);
        assertSameBytes(response.body(), bytes);
    }

    @Test
    void aUrlForOneKeyCannotFetchAnother() throws Exception {
        String keyA = "tables/t/s0/aaaa.duckdb";
        String keyB = "tables/t/s0/bbbb.duckdb";
        byte[] bytesA = randomBytes(1000, 7);
        store.put(keyA, write("a", bytesA));
        store.put(keyB, write("b", randomBytes(1000, 8)));
        URI urlA = store.downloadUrl(keyA, "worker-1", Duration.ofMinutes(5));

        URI edited = replaceInPath(urlA, keyA, keyB);

        assertThat(get(edited).statusCode()).as("key B through the URL of key A").isEqualTo(403);
        HttpResponse<byte[]> original = get(urlA);
        assertThat(original.statusCode()).isEqualTo(200);
        assertSameBytes(original.body(), bytesA);
    }

    @Test
    void anExpiredUrlIsRefused() throws Exception {
        byte[] bytes = randomBytes(1000, 9);
        String key = "tables/t/s0/short.duckdb";
        store.put(key, write("s", bytes));

        URI url = store.downloadUrl(key, "worker-1", Duration.ofSeconds(1));

        long deadline = System.nanoTime() + EXPIRY_DEADLINE.toNanos();
        while (true) {
            HttpResponse<byte[]> response = get(url);
            if (response.statusCode() == 403) {
                break;
            }
            assertThat(response.statusCode()).as("before it expires the URL serves the file").isEqualTo(200);
            assertSameBytes(response.body(), bytes);
            if (System.nanoTime() > deadline) {
                fail("a URL with a 1 s time to live still served the file after " + EXPIRY_DEADLINE);
            }
            Thread.sleep(200); // poll interval; the deadline above bounds the wait
        }
    }

    @Test
    void aDownloadUrlNeedsAPositiveTimeToLive() {
        assertThatThrownBy(() -> store.downloadUrl("tables/t/s0/x.duckdb", "w1", Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.downloadUrl("tables/t/s0/x.duckdb", "w1", Duration.ofSeconds(-5)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void describeNamesTheStoreButNoSecret() {
        String description = store.describe();

        assertThat(description).isNotBlank();
        for (String secret : secrets()) {
            assertThat(description).doesNotContain(secret);
        }
    }

    protected final Path write(String name, byte[] bytes) throws IOException {
        return Files.write(tmp.resolve(name), bytes);
    }

    protected final byte[] read(String key) throws IOException {
        try (InputStream in = store.open(key)) {
            return in.readAllBytes();
        }
    }

    protected final HttpResponse<byte[]> get(URI url) throws IOException, InterruptedException {
        return plain.send(HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(30)).GET().build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }

    /** Compares bytes without printing megabytes: length, first difference, and the start of an error body. */
    protected static void assertSameBytes(byte[] actual, byte[] expected) {
        int mismatch = Arrays.mismatch(actual, expected);
        if (mismatch >= 0) {
            fail("got " + actual.length + " bytes, expected " + expected.length + ", first difference at byte " + mismatch
                    + "; they start with: " + new String(actual, 0, Math.min(actual.length, 300), StandardCharsets.ISO_8859_1));
        }
    }

    protected static byte[] randomBytes(int length, long seed) {
        byte[] bytes = new byte[length];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    /** The URL with {@code from} replaced by {@code to} in its path only (the query keeps its signature). */
    protected static URI replaceInPath(URI url, String from, String to) {
        String text = url.toString();
        int query = text.indexOf('?');
        String path = query < 0 ? text : text.substring(0, query);
        assertThat(path).contains(from);
        return URI.create(path.replace(from, to) + (query < 0 ? "" : text.substring(query)));
    }
}
