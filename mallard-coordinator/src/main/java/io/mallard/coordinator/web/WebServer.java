package io.mallard.coordinator.web;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import javax.net.ssl.SSLContext;

/**
 * The coordinator's web port: HTTPS with the cluster's server certificate (plain HTTP only with {@code --insecure}),
 * answering through a {@link WebRouter}: {@code /metrics}, {@code /health}, {@code /ready}, and whatever else is routed
 * to it (the web page).
 */
public final class WebServer implements AutoCloseable {
    private final HttpServer server;
    private final ExecutorService executor;
    private final boolean tls;
    private final WebRouter router;

    /** @param ssl the server's TLS context, or null for plain HTTP */
    public WebServer(String bindHost, int port, SSLContext ssl, WebRouter router) throws IOException {
        server = JdkHttpServers.create(new InetSocketAddress(bindHost, port), ssl);
        this.tls = ssl != null;
        this.router = router;
        // a download streams for as long as the browser reads: a few at once must not stop the probes
        this.executor = Executors.newFixedThreadPool(8, r -> {
            Thread t = new Thread(r, "mallard-web");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/", router::dispatch);
        server.start();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** The router, to add pages to. */
    public WebRouter router() {
        return router;
    }

    /** {@code https://host:port/} (or {@code http://} when insecure). */
    public String url(String host) {
        String bracketed = host.contains(":") ? "[" + host + "]" : host;
        return (tls ? "https://" : "http://") + bracketed + ":" + port() + "/";
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
