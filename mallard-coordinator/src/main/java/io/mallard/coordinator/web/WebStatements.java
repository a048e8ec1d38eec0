package io.mallard.coordinator.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import io.mallard.common.ErrorCode;
import io.mallard.common.MallardException;
import io.mallard.coordinator.flightsql.StatementExecutor;
import io.mallard.coordinator.scheduling.QueryStats;
import io.mallard.coordinator.system.QueryRecord;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The web page's statements: each runs on a thread of its own through the coordinator's statement path as the
 * logged-in user, into a {@link ResultPage} of its session that the page reads page by page while and after it runs;
 * cancelled like a Flight SQL client's; its progress as the system tables show it.
 */
final class WebStatements implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(WebStatements.class);
    /** Rows a result keeps for paging; the rest are counted only. */
    static final int MAX_ROWS = 10_000;

    private final StatementExecutor statements;
    private final AtomicInteger threads = new AtomicInteger();
    private final ExecutorService runner = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "mallard-web-query-" + threads.incrementAndGet());
        t.setDaemon(true);
        return t;
    });

    WebStatements(StatementExecutor statements) {
        this.statements = statements;
    }

    /** Starts a statement; answers with its first page when it ends within the body's {@code wait} milliseconds. */
    void start(HttpExchange exchange, WebCaller caller) throws IOException {
        JsonNode body = JsonExchange.body(exchange);
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
        JsonExchange.send(exchange, 200, snapshot(page, 0, limit));
    }

    void page(HttpExchange exchange, WebCaller caller, String queryId) throws IOException {
        ResultPage page = caller.session().result(queryId);
        if (page == null) {
            throw new MallardException(ErrorCode.INVALID_ARGUMENT, "no result " + queryId + " in this session");
        }
        Map<String, String> query = JsonExchange.query(exchange);
        long offset = JsonExchange.parse(query.get("offset"), 0);
        int limit = (int) Math.max(1, Math.min(JsonExchange.parse(query.get("limit"), 100), MAX_ROWS));
        JsonExchange.send(exchange, 200, snapshot(page, offset, limit));
    }

    void cancel(HttpExchange exchange, WebCaller caller, String queryId) throws IOException {
        ResultPage page = caller.session().result(queryId);
        if (page == null) {
            throw new MallardException(ErrorCode.INVALID_ARGUMENT, "no result " + queryId + " in this session");
        }
        page.cancel();
        statements.cancel(queryId, "cancelled on the web page");
        JsonExchange.send(exchange, 200, Map.of("cancelled", !page.done()));
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

    @Override
    public void close() {
        runner.shutdownNow();
    }
}
