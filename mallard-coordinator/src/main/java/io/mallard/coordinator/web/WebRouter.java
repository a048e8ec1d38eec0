package io.mallard.coordinator.web;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * Which handler answers a path of the coordinator's web port: exact paths ({@code /metrics}) first, then the longest
 * matching prefix ({@code /api/}, {@code /} for a web page's files); anything else is 404. Handlers may be added while
 * the server runs.
 */
public final class WebRouter {
    /** Answers one request; the router closes the exchange afterwards. */
    @FunctionalInterface
    public interface Handler {
        void handle(HttpExchange exchange) throws IOException;
    }

    private final Map<String, Handler> exact = new ConcurrentHashMap<>();
    /** Longest prefix first: the reverse of the natural order puts "/api/x" before "/api/" before "/". */
    private final Map<String, Handler> prefixes = new ConcurrentSkipListMap<>(java.util.Comparator.reverseOrder());

    /** Serves {@code path} exactly (no query string, no trailing slash added). */
    public WebRouter route(String path, Handler handler) {
        require(path);
        exact.put(path, handler);
        return this;
    }

    /** Serves every path under {@code prefix} (which should end in '/') not served more specifically. */
    public WebRouter routePrefix(String prefix, Handler handler) {
        require(prefix);
        prefixes.put(prefix, handler);
        return this;
    }

    private static void require(String path) {
        if (!path.startsWith("/")) {
            throw new IllegalArgumentException("a path starts with '/': " + path);
        }
    }

    /** The handler of a request path, or null. */
    Handler find(String path) {
        Handler handler = exact.get(path);
        if (handler != null) {
            return handler;
        }
        for (Map.Entry<String, Handler> entry : prefixes.entrySet()) {
            if (path.startsWith(entry.getKey())) {
                return entry.getValue();
            }
        }
        return null;
    }

    void dispatch(HttpExchange exchange) throws IOException {
        try (exchange) {
            Handler handler = find(exchange.getRequestURI().getPath());
            if (handler == null) {
                Responses.text(exchange, 404, "not found: " + exchange.getRequestURI().getPath());
            } else {
                handler.handle(exchange);
            }
        }
    }
}
