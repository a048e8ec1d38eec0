package io.mallard.coordinator.web;

import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import javax.net.ssl.SSLContext;

/**
 * The JDK's HTTP server as the coordinator's web port and shard store use it: with {@code TCP_NODELAY} on its
 * connections. The server writes an answer's headers and its body separately, so without it every answer on a kept
 * connection waits for the client's delayed acknowledgement (about 40 ms on Linux): measured on this machine, a refused
 * login and a {@code /api/me} on one connection took 90–105 ms, with it 7–9 ms. The JDK offers no API for this, only
 * the system property {@value #NO_DELAY}, read once when its first server is made; one set by the operator is kept.
 */
public final class JdkHttpServers {
    static final String NO_DELAY = "sun.net.httpserver.nodelay";

    private JdkHttpServers() {
    }

    /** An HTTPS server on {@code address} with {@code ssl}, or plain HTTP when {@code ssl} is null; not started. */
    public static HttpServer create(InetSocketAddress address, SSLContext ssl) throws IOException {
        if (System.getProperty(NO_DELAY) == null) {
            System.setProperty(NO_DELAY, "true");
        }
        if (ssl == null) {
            return HttpServer.create(address, 0);
        }
        HttpsServer https = HttpsServer.create(address, 0);
        https.setHttpsConfigurator(new HttpsConfigurator(ssl));
        return https;
    }
}
