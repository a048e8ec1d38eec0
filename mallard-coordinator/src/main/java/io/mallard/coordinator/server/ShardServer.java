package io.mallard.coordinator.server;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.mallard.common.security.UrlSigner;
import io.mallard.data.Manifest;
import io.mallard.data.ShardInfo;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded shard store: serves shard files over HTTPS at {@code /shards/<id>} to holders of a signed, expiring,
 * shard-scoped URL. Anything else gets 403 (bad or expired signature) or 404.
 */
public final class ShardServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ShardServer.class);
    private static final String PREFIX = "/shards/";

    private final HttpsServer server;
    private final ExecutorService executor;
    private final Manifest manifest;
    private final Path dataDir;
    private final UrlSigner signer;
    private final String advertisedHost;
    private final long urlTtlSeconds;

    public ShardServer(String bindHost, int port, String advertisedHost, SSLContext ssl, Manifest manifest, Path dataDir,
            UrlSigner signer, long urlTtlSeconds) throws IOException {
        this.manifest = manifest;
        this.dataDir = dataDir;
        this.signer = signer;
        this.advertisedHost = advertisedHost;
        this.urlTtlSeconds = urlTtlSeconds;
        this.server = HttpsServer.create(new InetSocketAddress(bindHost, port), 0);
        this.server.setHttpsConfigurator(new HttpsConfigurator(ssl));
        this.executor = Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "mallard-shard-server");
            t.setDaemon(true);
            return t;
        });
        this.server.setExecutor(executor);
        this.server.createContext(PREFIX, this::handle);
        this.server.start();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** A URL that lets {@code workerId} download {@code shardId} until it expires. */
    public String signedUrl(String shardId, String workerId) {
        long expires = System.currentTimeMillis() / 1000 + urlTtlSeconds;
        String host = advertisedHost.contains(":") ? "[" + advertisedHost + "]" : advertisedHost;
        return "https://" + host + ":" + port() + PREFIX + URLEncoder.encode(shardId, StandardCharsets.UTF_8) + "?"
                + signer.sign(shardId, workerId, expires);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (!"GET".equals(exchange.getRequestMethod())) {
                reply(exchange, 405, "only GET");
                return;
            }
            String shardId = exchange.getRequestURI().getPath().substring(PREFIX.length());
            UrlSigner.Verdict verdict = signer.verify(shardId, UrlSigner.parseQuery(exchange.getRequestURI().getRawQuery()),
                    System.currentTimeMillis() / 1000);
            if (verdict != UrlSigner.Verdict.OK) {
                LOG.warn("refused shard download {} from {}: {}", shardId, exchange.getRemoteAddress(), verdict);
                reply(exchange, 403, "refused: " + verdict.name().toLowerCase());
                return;
            }
            Optional<ShardInfo> shard = manifest.shard(shardId);
            if (shard.isEmpty()) {
                reply(exchange, 404, "no shard " + shardId);
                return;
            }
            Path file = dataDir.resolve(shard.get().file());
            exchange.getResponseHeaders().set("Content-Type", "application/octet-stream");
            exchange.sendResponseHeaders(200, Files.size(file));
            try (InputStream in = Files.newInputStream(file); OutputStream out = exchange.getResponseBody()) {
                in.transferTo(out);
            }
        }
    }

    private static void reply(HttpExchange exchange, int status, String message) throws IOException {
        byte[] body = (message + "\n").getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(status, body.length);
        exchange.getResponseBody().write(body);
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
