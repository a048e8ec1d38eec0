package io.mallard.data.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.mallard.common.security.UrlSigner;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The shard store contract for the local directory store. Its URLs are served here the way the coordinator's HTTPS
 * server will serve {@code /store/<key>}: check the HMAC signature for the key in the path, then stream
 * {@link LocalShardStore#file(String)}. (Plain HTTP on loopback in this test; the coordinator serves HTTPS.)
 */
class LocalShardStoreTest extends ShardStoreContractTest {
    private final byte[] signingKey = new SecureRandom().generateSeed(32);
    private final UrlSigner signer = new UrlSigner(signingKey);
    private HttpServer server;
    private LocalShardStore local;

    @Override
    protected ShardStore newStore() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/store/", this::serve);
        server.start();
        String base = "http://127.0.0.1:" + server.getAddress().getPort() + "/store/";
        local = new LocalShardStore(tmp.resolve("store"), (key, workerId, ttl) -> URI.create(base + key + "?"
                + signer.sign(key, workerId, System.currentTimeMillis() / 1000 + ttl.toSeconds())));
        return local;
    }

    @AfterEach
    void stopServer() {
        if (server != null) {
            server.stop(0);
        }
    }

    @Override
    protected List<String> secrets() {
        return List.of(HexFormat.of().formatHex(signingKey));
    }

    @Test
    void filesLiveUnderTheRootAtTheirKeyAndNothingIsLeftInProgress() throws IOException {
        byte[] bytes = randomBytes(5000, 11);

        store.put("tables/t/s1/f.duckdb", write("f", bytes));

        Path file = local.root().resolve("tables/t/s1/f.duckdb");
        assertThat(local.file("tables/t/s1/f.duckdb")).isEqualTo(file);
        assertThat(Files.readAllBytes(file)).isEqualTo(bytes);
        try (var incoming = Files.list(local.root().resolve(".incoming"))) {
            assertThat(incoming).isEmpty();
        }
    }

    @Test
    void aStoredFileOutlivesTheLocalFileItWasPutFrom() throws IOException {
        byte[] bytes = randomBytes(100_000, 15);
        Path written = write("w", bytes);

        store.put("tables/t/s2/w.duckdb", written);
        Files.delete(written); // what the coordinator does once a put returns

        assertThat(Files.readAllBytes(local.file("tables/t/s2/w.duckdb"))).isEqualTo(bytes);
        try (InputStream in = store.open("tables/t/s2/w.duckdb")) {
            assertThat(in.readAllBytes()).isEqualTo(bytes);
        }
    }

    @Test
    void leftoversOfAnInterruptedPutAreNeverListedAndGoAtTheNextStart() throws IOException {
        Path leftover = Files.write(local.root().resolve(".incoming/put-123.partial"), randomBytes(10, 12));

        assertThat(store.list("")).isEmpty();

        try (LocalShardStore reopened = new LocalShardStore(local.root(), (k, w, t) -> URI.create("http://unused"))) {
            assertThat(leftover).doesNotExist();
            assertThat(reopened.list("")).isEmpty();
        }
    }

    @Test
    void filesNoKeyCanNameAreNotListed() throws IOException {
        store.put("tables/t/s0/a.duckdb", write("a", randomBytes(10, 13)));
        Files.write(local.root().resolve("tables/t/s0/.DS_Store"), randomBytes(10, 14));
        Files.write(local.root().resolve("tables/t/s0/copy of a.duckdb"), randomBytes(10, 15));

        assertThat(store.list("tables/")).containsExactly("tables/t/s0/a.duckdb");
    }

    @Test
    void theDownloadUrlIsTheSuppliedSignersAndNamesTheWorker() {
        URI url = store.downloadUrl("tables/t/s1/f.duckdb", "worker-9", java.time.Duration.ofMinutes(2));

        assertThat(url.getPath()).isEqualTo("/store/tables/t/s1/f.duckdb");
        assertThat(UrlSigner.parseQuery(url.getRawQuery())).containsEntry("worker", "worker-9")
                .containsEntry("shard", "tables/t/s1/f.duckdb");
    }

    private void serve(HttpExchange exchange) throws IOException {
        try (exchange) {
            String key = exchange.getRequestURI().getPath().substring("/store/".length());
            UrlSigner.Verdict verdict = signer.verify(key, UrlSigner.parseQuery(exchange.getRequestURI().getRawQuery()),
                    System.currentTimeMillis() / 1000);
            if (verdict != UrlSigner.Verdict.OK) {
                exchange.sendResponseHeaders(403, -1);
                return;
            }
            Path file = local.file(key);
            if (!Files.isRegularFile(file)) {
                exchange.sendResponseHeaders(404, -1);
                return;
            }
            exchange.sendResponseHeaders(200, Files.size(file));
            try (InputStream in = Files.newInputStream(file); OutputStream out = exchange.getResponseBody()) {
                in.transferTo(out);
            }
        }
    }
}
