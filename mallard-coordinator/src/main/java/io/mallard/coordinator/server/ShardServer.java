package io.mallard.coordinator.server;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.mallard.common.security.UrlSigner;
import io.mallard.coordinator.web.JdkHttpServers;
import io.mallard.data.store.StoreKey;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Predicate;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded shard store's server: serves the store's files over HTTPS at {@code /store/<key>} to holders of a
 * signed, expiring, file-scoped URL. Anything else gets 403 (bad or expired signature, or a URL issued to a worker
 * that is no longer a live member of the cluster) or 404.
 */
public final class ShardServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ShardServer.class);
    private static final String PREFIX = "/store/";

    private final HttpServer server;
    private final ExecutorService executor;
    private final Path root;
    private final UrlSigner signer;
    private final String advertisedHost;
    private final LongAdder filesServed = new LongAdder();
    private final LongAdder bytesServed = new LongAdder();
    private final LongAdder refused = new LongAdder();
    /** Whether the worker a URL names may still download: checked at download time, not when the URL was signed. */
    private volatile Predicate<String> workerIsMember = worker -> true;

    /** @param root the local store's directory ({@code LocalShardStore}): a key's file is {@code root/key} */
    public ShardServer(String bindHost, int port, String advertisedHost, SSLContext ssl, Path root, UrlSigner signer)
            throws IOException {
        this.root = root;
        this.signer = signer;
        this.advertisedHost = advertisedHost;
        this.server = JdkHttpServers.create(new InetSocketAddress(bindHost, port), Objects.requireNonNull(ssl, "ssl"));
        this.executor = Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "mallard-shard-server");
            t.setDaemon(true);
            return t;
        });
        this.server.setExecutor(executor);
        this.server.createContext(PREFIX, this::handle);
        this.server.start();
    }

    /**
     * From now on a URL works only while the worker it names is a member ({@code WorkerRegistry::isMember}): a URL
     * captured from a worker that is gone is refused even before it expires.
     */
    public void admitOnly(Predicate<String> isMember) {
        this.workerIsMember = isMember;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** A URL that lets {@code workerId} download the file of {@code key} until {@code ttl} has passed. */
    public URI signedUrl(String key, String workerId, Duration ttl) {
        long expires = System.currentTimeMillis() / 1000 + Math.max(1, ttl.toSeconds());
        String host = advertisedHost.contains(":") ? "[" + advertisedHost + "]" : advertisedHost;
        // store keys are [A-Za-z0-9_=.-] parts separated by '/': nothing to encode
        return URI.create("https://" + host + ":" + port() + PREFIX + StoreKey.requireValid(key) + "?"
                + signer.sign(key, workerId, expires));
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (!"GET".equals(exchange.getRequestMethod())) {
                reply(exchange, 405, "only GET");
                return;
            }
            String key = exchange.getRequestURI().getPath().substring(PREFIX.length());
            UrlSigner.Verdict verdict = signer.verify(key, UrlSigner.parseQuery(exchange.getRequestURI().getRawQuery()),
                    System.currentTimeMillis() / 1000);
            if (verdict != UrlSigner.Verdict.OK) {
                refused.increment();
                LOG.warn("refused file download {} from {}: {}", key, exchange.getRemoteAddress(), verdict);
                reply(exchange, 403, "refused: " + verdict.name().toLowerCase());
                return;
            }
            // the signature covers the worker's id, so this is the worker the URL was issued to
            String worker = UrlSigner.parseQuery(exchange.getRequestURI().getRawQuery()).get("worker");
            if (!workerIsMember.test(worker)) {
                LOG.warn("refused file download {} from {}: URL issued to worker {}, which is gone", key,
                        exchange.getRemoteAddress(), worker);
                reply(exchange, 403, "refused: worker_gone (this URL was issued to worker " + worker
                        + ", which is no longer a member of the cluster)");
                return;
            }
            Path file = StoreKey.isValid(key) ? root.resolve(key) : null;
            if (file == null || !Files.isRegularFile(file)) {
                reply(exchange, 404, "no file " + key);
                return;
            }
            exchange.getResponseHeaders().set("Content-Type", "application/octet-stream");
            exchange.sendResponseHeaders(200, Files.size(file));
            try (InputStream in = Files.newInputStream(file); OutputStream out = exchange.getResponseBody()) {
                bytesServed.add(in.transferTo(out));
            }
            filesServed.increment();
        }
    }

    /** Files served whole since start. */
    public long filesServed() {
        return filesServed.sum();
    }

    /** Bytes of the files served since start. */
    public long bytesServed() {
        return bytesServed.sum();
    }

    /** Downloads refused for a bad or expired signature since start. */
    public long downloadsRefused() {
        return refused.sum();
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
