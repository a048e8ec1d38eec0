package io.mallard.coordinator.web;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;

/**
 * The web page's files, served from the classpath ({@code mallard-web/}, put there by the coordinator module's
 * front-end build); {@code /} is {@code index.html}. Nothing is fetched from elsewhere: the page's policy allows its
 * own origin only.
 */
final class StaticFiles {
    static final String ROOT = "mallard-web/";
    private static final Map<String, String> TYPES = Map.of("html", "text/html; charset=utf-8", "js",
            "text/javascript; charset=utf-8", "css", "text/css; charset=utf-8", "svg", "image/svg+xml", "png",
            "image/png");

    private StaticFiles() {
    }

    static void serve(HttpExchange exchange) throws IOException {
        if (!Responses.readOnly(exchange)) {
            return;
        }
        String path = exchange.getRequestURI().getPath();
        String name = path.equals("/") ? "index.html" : path.substring(1);
        String extension = name.substring(name.lastIndexOf('.') + 1);
        if (name.contains("..") || name.contains("//") || !TYPES.containsKey(extension)) {
            Responses.text(exchange, 404, "not found: " + path);
            return;
        }
        try (InputStream in = StaticFiles.class.getClassLoader().getResourceAsStream(ROOT + name)) {
            if (in == null) {
                Responses.text(exchange, 404, name.equals("index.html")
                        ? "the web page was not built into this coordinator (build it with Maven: the coordinator "
                                + "module's front-end build needs npm)" : "not found: " + path);
                return;
            }
            byte[] body = in.readAllBytes();
            secure(exchange);
            Responses.send(exchange, 200, TYPES.get(extension), body);
        }
    }

    /** The page's own origin only; not framed by others; types as sent. */
    static void secure(HttpExchange exchange) {
        exchange.getResponseHeaders().set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; "
                + "style-src 'self' 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'");
        exchange.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
        exchange.getResponseHeaders().set("Referrer-Policy", "no-referrer");
    }
}
