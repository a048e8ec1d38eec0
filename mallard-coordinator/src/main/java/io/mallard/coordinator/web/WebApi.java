package io.mallard.coordinator.web;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import io.mallard.common.ErrorCode;
import io.mallard.common.ErrorType;
import io.mallard.common.MallardException;
import io.mallard.coordinator.flightsql.StatementExecutor;
import io.mallard.coordinator.server.Identity;
import io.mallard.coordinator.system.QueryRecord;
import io.mallard.coordinator.scheduling.QueryStats;
import io.mallard.protocol.QuerySettings;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.arrow.memory.BufferAllocator;
import java.security.SecureRandom;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The web page's JSON API under {@code /api/}. A login sets the session cookie (the signed token, HttpOnly, Secure over
 * HTTPS, SameSite=Strict); every other call needs it and is refused with 401 without it. Every call but a download
 * also needs the {@value #CSRF_HEADER} header, which a page of another origin cannot send without the coordinator's
 * consent (it gives none); a download (CSV streamed, Parquet through a temporary file) is a one-use ticket asked for
 * by such a call. Statements run through the
 * coordinator's own statement path ({@link StatementExecutor}) as the logged-in user, so the history, audit log,
 * access control, limits and cancellation are those of Flight SQL clients.
 */
public final class WebApi implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(WebApi.class);
    static final String COOKIE = "mallard_session";
    static final String CSRF_HEADER = "X-Mallard-Web";
    /** Rows a result keeps for paging; the rest are counted only. */
    static final int MAX_ROWS = 10_000;
    /** The largest request body read (a statement's own limit is the coordinator's --max-sql-bytes). */
    private static final int MAX_BODY = 16 << 20;
    private static final int MAX_SESSIONS = 256;
    private static final long TICKET_MILLIS = 60_000;

    private final StatementExecutor statements;
    private final WebLogins logins;
    private final BufferAllocator allocator;
    private final Path downloads;
    private final boolean secure;
    private final long sessionMillis;
    private final ObjectMapper json = new ObjectMapper();
    private final Map<String, WebSession> sessions = new ConcurrentHashMap<>();
    private final Map<String, Ticket> tickets = new ConcurrentHashMap<>();
    private final SecureRandom random = new SecureRandom();
    private final AtomicInteger threads = new AtomicInteger();
    private final ExecutorService runner = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "mallard-web-query-" + threads.incrementAndGet());
        t.setDaemon(true);
        return t;
    });

    /** A download asked for: whose, which statement, until when. */
    private record Ticket(String session, String sql, boolean parquet, long expiresMillis) {
    }

    /** A request's caller and session. */
    private record Caller(Identity identity, WebSession session) {
    }

    /**
     * @param secure        whether the page is served over HTTPS (the cookie is then Secure)
     * @param sessionMillis how long a login lasts (the token's lifetime)
     * @param allocator     where a Parquet download's batches are read back
     * @param downloads     where a Parquet download is written before it is sent (deleted once sent)
     */
    public WebApi(StatementExecutor statements, WebLogins logins, boolean secure, long sessionMillis,
            BufferAllocator allocator, Path downloads) {
        this.statements = statements;
        this.allocator = allocator;
        this.downloads = downloads;
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
                download(exchange, path.substring("/api/download/".length()));
                return;
            }
            if (!"1".equals(exchange.getRequestHeaders().getFirst(CSRF_HEADER))) {
                error(exchange, 403, new MallardException(ErrorCode.PERMISSION_DENIED,
                        "the request lacks the page's " + CSRF_HEADER + " header"));
                return;
            }
            if (path.equals("/api/login") && method.equals("POST")) {
                login(exchange);
                return;
            }
            Caller caller = caller(exchange);
            if (caller == null) {
                return;
            }
            if (path.equals("/api/logout") && method.equals("POST")) {
                logout(exchange, caller);
            } else if (path.equals("/api/me") && method.equals("GET")) {
                me(exchange, caller);
            } else if (path.equals("/api/query") && method.equals("POST")) {
                start(exchange, caller);
            } else if (path.startsWith("/api/query/") && path.endsWith("/cancel") && method.equals("POST")) {
                cancel(exchange, caller, path.substring("/api/query/".length(), path.length() - "/cancel".length()));
            } else if (path.startsWith("/api/query/") && method.equals("GET")) {
                page(exchange, caller, path.substring("/api/query/".length()));
            } else if (path.equals("/api/download") && method.equals("POST")) {
                ticket(exchange, caller);
            } else {
                error(exchange, 404, new MallardException(ErrorCode.INVALID_ARGUMENT, "no such call: " + method + " " + path));
            }
        } catch (MallardException e) {
            error(exchange, e.code().type() == ErrorType.INTERNAL ? 500 : 400, e);
        } catch (IOException | RuntimeException e) {
            LOG.warn("web request {} {} failed", method, path, e);
            error(exchange, 500, new MallardException(ErrorCode.INTERNAL_ERROR, "the request failed"));
        }
    }

    private void login(HttpExchange exchange) throws IOException {
        JsonNode body = body(exchange);
        String user = body.path("user").asText("");
        char[] password = body.path("password").asText("").toCharArray();
        WebLogins.Login login;
        try {
            login = logins.login(user, password, address(exchange));
        } catch (MallardException e) {
            error(exchange, 401, e);
            return;
        } finally {
            java.util.Arrays.fill(password, '\0');
        }
        sweep();
        if (sessions.size() >= MAX_SESSIONS) {
            error(exchange, 503, new MallardException(ErrorCode.LIMIT_EXCEEDED, "the web page has " + sessions.size()
                    + " sessions open, its limit; a session ends when its user logs out or its login expires"));
            return;
        }
        sessions.put(login.identity().session(), new WebSession());
        exchange.getResponseHeaders().add("Set-Cookie", COOKIE + "=" + login.token() + "; Path=/; HttpOnly; SameSite=Strict"
                + (secure ? "; Secure" : "") + "; Max-Age=" + sessionMillis / 1000);
        me(exchange, new Caller(login.identity(), sessions.get(login.identity().session())));
    }

    /** The request's user, or null after answering 401. */
    private Caller caller(HttpExchange exchange) throws IOException {
        String token = cookie(exchange);
        if (token == null) {
            error(exchange, 401, new MallardException(ErrorCode.AUTHENTICATION_FAILED, "log in first"));
            return null;
        }
        Identity identity;
        try {
            identity = logins.verify(token, address(exchange));
        } catch (MallardException e) {
            error(exchange, 401, e);
            return null;
        }
        WebSession session = sessions.get(identity.session());
        if (session == null) {
            error(exchange, 401, new MallardException(ErrorCode.AUTHENTICATION_FAILED,
                    "the session ended (logged out, or the coordinator restarted): log in again"));
            return null;
        }
        session.touch();
        return new Caller(identity, session);
    }

    private void logout(HttpExchange exchange, Caller caller) throws IOException {
        WebSession session = sessions.remove(caller.identity().session());
        if (session != null) {
            session.cancelAll();
        }
        exchange.getResponseHeaders().add("Set-Cookie", COOKIE + "=; Path=/; HttpOnly; SameSite=Strict"
                + (secure ? "; Secure" : "") + "; Max-Age=0");
        send(exchange, 200, Map.of("loggedOut", true));
    }

    private void me(HttpExchange exchange, Caller caller) throws IOException {
        QuerySettings settings = caller.session().settings.settings();
        send(exchange, 200, Map.of("user", caller.identity().name(), "role", caller.identity().role(),
                "distributed", settings.distributed(), "summarize", settings.summarize()));
    }

    /** Starts a statement; answers with its first page when it ends within the body's {@code wait} milliseconds. */
    private void start(HttpExchange exchange, Caller caller) throws IOException {
        JsonNode body = body(exchange);
        String sql = body.path("sql").asText("");
        if (sql.isBlank()) {
            throw new MallardException(ErrorCode.INVALID_ARGUMENT, "no statement to run");
        }
        long wait = Math.min(Math.max(0, body.path("wait").asLong(0)), 30_000);
        int limit = Math.max(1, Math.min(body.path("limit").asInt(100), MAX_ROWS));
        String queryId = UUID.randomUUID().toString();
        ResultPage page = new ResultPage(queryId, sql, MAX_ROWS);
        caller.session().add(page);
        runner.execute(() -> {
            try {
                statements.stream(caller.identity(), caller.session().settings, queryId, sql, page);
            } catch (RuntimeException e) {
                LOG.error("web statement {} failed", queryId, e);
                page.failIfRunning(new MallardException(ErrorCode.INTERNAL_ERROR, "the statement failed"));
            }
        });
        try {
            page.await(wait);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        send(exchange, 200, snapshot(page, 0, limit));
    }

    private void page(HttpExchange exchange, Caller caller, String queryId) throws IOException {
        ResultPage page = caller.session().result(queryId);
        if (page == null) {
            throw new MallardException(ErrorCode.INVALID_ARGUMENT, "no result " + queryId + " in this session");
        }
        Map<String, String> query = query(exchange);
        long offset = parse(query.get("offset"), 0);
        int limit = (int) Math.max(1, Math.min(parse(query.get("limit"), 100), MAX_ROWS));
        send(exchange, 200, snapshot(page, offset, limit));
    }

    private void cancel(HttpExchange exchange, Caller caller, String queryId) throws IOException {
        ResultPage page = caller.session().result(queryId);
        if (page == null) {
            throw new MallardException(ErrorCode.INVALID_ARGUMENT, "no result " + queryId + " in this session");
        }
        page.cancel();
        statements.cancel(queryId, "cancelled on the web page");
        send(exchange, 200, Map.of("cancelled", !page.done()));
    }

    private Map<String, Object> snapshot(ResultPage page, long offset, int limit) {
        ResultPage.Snapshot s = page.snapshot(offset, limit);
        Map<String, Object> out = new HashMap<>();
        out.put("queryId", s.queryId());
        out.put("state", s.state());
        out.put("columns", s.columns());
        out.put("rows", s.rows());
        out.put("offset", s.offset());
        out.put("total", s.total());
        out.put("truncated", s.truncated());
        out.put("kept", Math.min(s.total(), MAX_ROWS));
        out.put("elapsedMillis", s.elapsedMillis());
        if (s.error() != null) {
            Map<String, Object> error = new HashMap<>();
            error.put("code", s.error().code().wireName());
            error.put("message", s.error().getMessage());
            s.error().position().ifPresent(p -> error.put("position", p));
            out.put("error", error);
        }
        if (s.state().equals("running")) {
            progress(s.queryId()).ifPresent(p -> out.put("progress", p));
        }
        return out;
    }

    /** How far a running statement is, as the system tables show it: tasks done of all, rows shipped. */
    private Optional<Map<String, Object>> progress(String queryId) {
        for (QueryRecord record : statements.running()) {
            if (record.queryId().equals(queryId)) {
                QueryStats stats = record.stats();
                Map<String, Object> p = new HashMap<>();
                p.put("status", record.status());
                p.put("strategy", stats == null ? "" : stats.strategy());
                p.put("tasks", stats == null ? 0 : stats.tasks().size());
                p.put("tasksFinished", stats == null ? 0 : stats.tasksFinished());
                p.put("rowsShipped", stats == null ? 0 : stats.rowsShipped());
                p.put("bytesShipped", stats == null ? 0 : stats.bytesShipped());
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    private void ticket(HttpExchange exchange, Caller caller) throws IOException {
        JsonNode body = body(exchange);
        String sql = body.path("sql").asText("");
        if (sql.isBlank()) {
            throw new MallardException(ErrorCode.INVALID_ARGUMENT, "no statement to download");
        }
        if (!StatementExecutor.readsOnly(sql)) {
            throw new MallardException(ErrorCode.INVALID_ARGUMENT, "only a statement that reads can be downloaded: a "
                    + "download runs it again");
        }
        String format = body.path("format").asText("csv");
        if (!format.equals("csv") && !format.equals("parquet")) {
            throw new MallardException(ErrorCode.INVALID_ARGUMENT, "downloads are csv or parquet, not " + format);
        }
        long now = System.currentTimeMillis();
        tickets.values().removeIf(t -> t.expiresMillis() < now);
        byte[] bytes = new byte[24];
        random.nextBytes(bytes);
        String id = HexFormat.of().formatHex(bytes);
        tickets.put(id, new Ticket(caller.identity().session(), sql, format.equals("parquet"), now + TICKET_MILLIS));
        send(exchange, 200, Map.of("url", "/api/download/" + id));
    }

    /** Streams a ticket's statement as CSV; the ticket is used up, and must belong to the cookie's session. */
    private void download(HttpExchange exchange, String id) throws IOException {
        Caller caller = caller(exchange);
        if (caller == null) {
            return;
        }
        Ticket ticket = tickets.remove(id);
        if (ticket == null || ticket.expiresMillis() < System.currentTimeMillis()
                || !ticket.session().equals(caller.identity().session())) {
            error(exchange, 404, new MallardException(ErrorCode.INVALID_ARGUMENT,
                    "no such download (a download link works once, for a minute, in its own session)"));
            return;
        }
        if (ticket.parquet()) {
            parquet(exchange, caller, ticket.sql());
            return;
        }
        CsvDownload csv = new CsvDownload(() -> {
            exchange.getResponseHeaders().set("Content-Type", "text/csv; charset=utf-8");
            exchange.getResponseHeaders().set("Content-Disposition", "attachment; filename=\"result.csv\"");
            exchange.getResponseHeaders().set("Cache-Control", "no-store");
            exchange.sendResponseHeaders(200, 0); // chunked: the size is not known
            return exchange.getResponseBody();
        });
        statements.stream(caller.identity(), caller.session().settings, UUID.randomUUID().toString(), ticket.sql(), csv);
        if (!csv.started()) {
            MallardException e = csv.error() != null ? csv.error()
                    : new MallardException(ErrorCode.INTERNAL_ERROR, "the statement gave no answer");
            error(exchange, 400, e);
        }
    }

    /** Runs the statement into a temporary Parquet file, sends it, and deletes it. */
    private void parquet(HttpExchange exchange, Caller caller, String sql) throws IOException {
        try (ParquetDownload parquet = new ParquetDownload(downloads)) {
            statements.stream(caller.identity(), caller.session().settings, UUID.randomUUID().toString(), sql, parquet);
            if (parquet.error() != null) {
                error(exchange, 400, parquet.error());
                return;
            }
            Path file = parquet.toParquet(allocator);
            exchange.getResponseHeaders().set("Content-Type", "application/vnd.apache.parquet");
            exchange.getResponseHeaders().set("Content-Disposition", "attachment; filename=\"result.parquet\"");
            exchange.getResponseHeaders().set("Cache-Control", "no-store");
            exchange.sendResponseHeaders(200, Files.size(file));
            Files.copy(file, exchange.getResponseBody());
        }
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

    private JsonNode body(HttpExchange exchange) throws IOException {
        try (InputStream in = exchange.getRequestBody()) {
            byte[] bytes = in.readNBytes(MAX_BODY + 1);
            if (bytes.length > MAX_BODY) {
                throw new MallardException(ErrorCode.LIMIT_EXCEEDED, "the request is larger than " + MAX_BODY + " bytes");
            }
            try {
                JsonNode node = json.readTree(bytes);
                return node == null ? json.createObjectNode() : node;
            } catch (IOException e) {
                throw new MallardException(ErrorCode.INVALID_ARGUMENT, "the request is not JSON");
            }
        }
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

    private static Map<String, String> query(HttpExchange exchange) {
        Map<String, String> out = new HashMap<>();
        String raw = exchange.getRequestURI().getRawQuery();
        if (raw != null) {
            for (String pair : raw.split("&")) {
                int eq = pair.indexOf('=');
                if (eq > 0) {
                    out.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                            URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
                }
            }
        }
        return out;
    }

    private static long parse(String value, long otherwise) {
        try {
            return value == null ? otherwise : Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new MallardException(ErrorCode.INVALID_ARGUMENT, "not a number: " + value);
        }
    }

    private void error(HttpExchange exchange, int status, MallardException e) throws IOException {
        Map<String, Object> error = new HashMap<>();
        error.put("code", e.code().wireName());
        error.put("message", e.getMessage());
        e.position().ifPresent(p -> error.put("position", p));
        send(exchange, status, Map.of("error", error));
    }

    private void send(HttpExchange exchange, int status, Object value) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (JsonGenerator out = json.getFactory().createGenerator(bytes)) {
            json.writeValue(out, value);
        }
        Responses.send(exchange, status, "application/json; charset=utf-8", bytes.toByteArray());
    }

    @Override
    public void close() {
        sessions.values().forEach(WebSession::cancelAll);
        sessions.clear();
        runner.shutdownNow();
    }
}
