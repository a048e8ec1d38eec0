package io.mallard.coordinator.web;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/** Small answers of the web port. */
public final class Responses {
    private Responses() {
    }

    /** A plain-text answer (a newline is added). */
    public static void text(HttpExchange exchange, int status, String message) throws IOException {
        send(exchange, status, "text/plain; charset=utf-8", (message + "\n").getBytes(StandardCharsets.UTF_8));
    }

    /** An answer with a body; for HEAD only the headers. */
    public static void send(HttpExchange exchange, int status, String contentType, byte[] body) throws IOException {
        closeRequestBody(exchange);
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        if ("HEAD".equals(exchange.getRequestMethod())) {
            exchange.sendResponseHeaders(status, -1);
            return;
        }
        exchange.sendResponseHeaders(status, body.length);
        exchange.getResponseBody().write(body);
    }

    /**
     * Closes the request's body before the answer goes out, which makes the JDK's server read what the handler left of
     * it (up to its drain amount, 64 KiB by default; with more left it closes the connection after the answer). Left
     * open, the body is read after the answer, when the client may already have sent its next request on the same
     * connection: the TLS stream can then take that request's bytes into its buffer, where nothing wakes the server for
     * them, and the request waits for the connection's idle timeout (30 s). Seen with a refused POST followed by another
     * request on a busy machine. Closing again (a handler that read the body closed it) does nothing.
     */
    static void closeRequestBody(HttpExchange exchange) throws IOException {
        exchange.getRequestBody().close();
    }

    /** Refuses anything but GET and HEAD with 405; returns whether the request may go on. */
    public static boolean readOnly(HttpExchange exchange) throws IOException {
        String method = exchange.getRequestMethod();
        if ("GET".equals(method) || "HEAD".equals(method)) {
            return true;
        }
        exchange.getResponseHeaders().set("Allow", "GET, HEAD");
        text(exchange, 405, "only GET and HEAD");
        return false;
    }
}
