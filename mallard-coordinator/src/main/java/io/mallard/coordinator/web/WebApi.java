package io.mallard.coordinator.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import io.mallard.common.ErrorCode;
import io.mallard.common.ErrorType;
import io.mallard.common.MallardException;
import io.mallard.coordinator.flightsql.StatementExecutor;
import io.mallard.coordinator.server.Identity;
import io.mallard.protocol.QuerySettings;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import org.apache.arrow.memory.BufferAllocator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The web page's JSON API under {@code /api/}. A login sets the session cookie (the signed token, HttpOnly, Secure over
 * HTTPS, SameSite=Strict); every other call needs it and is refused with 401 without it. Every call but a download
 * also needs the {@value #CSRF_HEADER} header, which a page of another origin cannot send without the coordinator's
 * consent (it gives none); a download (CSV streamed, Parquet through a temporary file) is a one-use ticket asked for
 * by such a call ({@link WebDownloads}). Statements run through the coordinator's own statement path
 * ({@link WebStatements}, {@link StatementExecutor}) as the logged-in user, so the history, audit log, access control,
 * limits and cancellation are those of Flight SQL clients.
 */
public final class WebApi implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(WebApi.class);
    static final String COOKIE = "mallard_session";
    static final String CSRF_HEADER = "X-Mallard-Web";
    private static final int MAX_SESSIONS = 256;

    private final WebLogins logins;
    private final WebStatements statements;
    private final WebDownloads downloads;
    private final boolean secure;
    private final long sessionMillis;
    private final Map<String, WebSession> sessions = new ConcurrentHashMap<>();

    /**
     * @param secure        whether the page is served over HTTPS (the cookie is then Secure)
     * @param sessionMillis how long a login lasts (the token's lifetime)
     * @param allocator     where a Parquet download's batches are read back
     * @param downloads     where a Parquet download is written before it is sent (deleted once sent)
     */
    public WebApi(StatementExecutor statements, WebLogins logins, boolean secure, long sessionMillis,
            BufferAllocator allocator, Path downloads) {
        this.statements = new WebStatements(statements);
        this.downloads = new WebDownloads(statements, allocator, downloads);
        this.logins = logins;
        this.secure = secure;
        this.sessionMillis = sessionMillis;
    }

    /** Serves {@code /api/…} and the page's files at {@code /}. */
    public void addTo(WebRouter router) {
        router.routePrefix("/api/", this::handle).routePrefix("/", StaticFiles::serve);
    }

    private void handle(HttpExchange exchange) throws IOException {
        StaticFiles.secure(exchange);
        String path = exchange.getRequestURI().getPath();
        String method = exchange.getRequestMethod();
        try {
            if (path.startsWith("/api/download/") && method.equals("GET")) {
                WebCaller caller = caller(exchange);
                if (caller != null) {
                    downloads.download(exchange, caller, path.substring("/api/download/".length()));
                }
                return;
            }
            if (!"1".equals(exchange.getRequestHeaders().getFirst(CSRF_HEADER))) {
                JsonExchange.error(exchange, 403, new MallardException(ErrorCode.PERMISSION_DENIED,
                        "the request lacks the page's " + CSRF_HEADER + " header"));
                return;
            }
            if (path.equals("/api/login") && method.equals("POST")) {
                login(exchange);
                return;
            }
            WebCaller caller = caller(exchange);
            if (caller == null) {
                return;
            }
            if (path.equals("/api/logout") && method.equals("POST")) {
                logout(exchange, caller);
            } else if (path.equals("/api/me") && method.equals("GET")) {
                me(exchange, caller);
            } else if (path.equals("/api/query") && method.equals("POST")) {
                statements.start(exchange, caller);
            } else if (path.startsWith("/api/query/") && path.endsWith("/cancel") && method.equals("POST")) {
                statements.cancel(exchange, caller, path.substring("/api/query/".length(), path.length() - "/cancel".length()));
            } else if (path.startsWith("/api/query/") && method.equals("GET")) {
                statements.page(exchange, caller, path.substring("/api/query/".length()));
            } else if (path.equals("/api/download") && method.equals("POST")) {
                downloads.ticket(exchange, caller);
            } else {
                JsonExchange.error(exchange, 404, new MallardException(ErrorCode.INVALID_ARGUMENT,
                        "no such call: " + method + " " + path));
            }
        } catch (MallardException e) {
            JsonExchange.error(exchange, e.code().type() == ErrorType.INTERNAL ? 500 : 400, e);
        } catch (IOException | RuntimeException e) {
            LOG.warn("web request {} {} failed", method, path, e);
            JsonExchange.error(exchange, 500, new MallardException(ErrorCode.INTERNAL_ERROR, "the request failed"));
        }
    }

    private void login(HttpExchange exchange) throws IOException {
        JsonNode body = JsonExchange.body(exchange);
        String user = body.path("user").asText("");
        char[] password = body.path("password").asText("").toCharArray();
        WebLogins.Login login;
        try {
            login = logins.login(user, password, address(exchange));
        } catch (MallardException e) {
            JsonExchange.error(exchange, 401, e);
            return;
        } finally {
            java.util.Arrays.fill(password, '\0');
        }
        sweep();
        if (sessions.size() >= MAX_SESSIONS) {
            JsonExchange.error(exchange, 503, new MallardException(ErrorCode.LIMIT_EXCEEDED, "the web page has " + sessions.size()
                    + " sessions open, its limit; a session ends when its user logs out or its login expires"));
            return;
        }
        sessions.put(login.identity().session(), new WebSession());
        exchange.getResponseHeaders().add("Set-Cookie", COOKIE + "=" + login.token() + "; Path=/; HttpOnly; SameSite=Strict"
                + (secure ? "; Secure" : "") + "; Max-Age=" + sessionMillis / 1000);
        me(exchange, new WebCaller(login.identity(), sessions.get(login.identity().session())));
    }

    /** The request's user, or null after answering 401. */
    private WebCaller caller(HttpExchange exchange) throws IOException {
        String token = cookie(exchange);
        if (token == null) {
            JsonExchange.error(exchange, 401, new MallardException(ErrorCode.AUTHENTICATION_FAILED, "log in first"));
            return null;
        }
        Identity identity;
        try {
            identity = logins.verify(token, address(exchange));
        } catch (MallardException e) {
            JsonExchange.error(exchange, 401, e);
            return null;
        }
        WebSession session = sessions.get(identity.session());
        if (session == null) {
            JsonExchange.error(exchange, 401, new MallardException(ErrorCode.AUTHENTICATION_FAILED,
                    "the session ended (logged out, or the coordinator restarted): log in again"));
            return null;
        }
        session.touch();
        return new WebCaller(identity, session);
    }

    private void logout(HttpExchange exchange, WebCaller caller) throws IOException {
        WebSession session = sessions.remove(caller.identity().session());
        if (session != null) {
            session.cancelAll();
        }
        exchange.getResponseHeaders().add("Set-Cookie", COOKIE + "=; Path=/; HttpOnly; SameSite=Strict"
                + (secure ? "; Secure" : "") + "; Max-Age=0");
        JsonExchange.send(exchange, 200, Map.of("loggedOut", true));
    }

    private void me(HttpExchange exchange, WebCaller caller) throws IOException {
        QuerySettings settings = caller.session().settings.settings();
        JsonExchange.send(exchange, 200, Map.of("user", caller.identity().name(), "role", caller.identity().role(),
                "distributed", settings.distributed(), "summarize", settings.summarize()));
    }

    private void sweep() {
        long now = System.currentTimeMillis();
        sessions.values().removeIf(s -> {
            boolean expired = now - s.lastUsedMillis() > sessionMillis;
            if (expired) {
                s.cancelAll();
            }
            return expired;
        });
    }

    private static String cookie(HttpExchange exchange) {
        for (String header : exchange.getRequestHeaders().getOrDefault("Cookie", java.util.List.of())) {
            for (String part : header.split(";")) {
                String trimmed = part.trim();
                if (trimmed.startsWith(COOKIE + "=") && trimmed.length() > COOKIE.length() + 1) {
                    return trimmed.substring(COOKIE.length() + 1);
                }
            }
        }
        return null;
    }

    private static String address(HttpExchange exchange) {
        InetSocketAddress remote = exchange.getRemoteAddress();
        return remote == null ? "" : remote.getAddress().getHostAddress() + ":" + remote.getPort();
    }

    @Override
    public void close() {
        sessions.values().forEach(WebSession::cancelAll);
        sessions.clear();
        statements.close();
    }
}
