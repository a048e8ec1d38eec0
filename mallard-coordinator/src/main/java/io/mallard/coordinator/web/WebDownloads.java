package io.mallard.coordinator.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import io.mallard.common.ErrorCode;
import io.mallard.common.MallardException;
import io.mallard.coordinator.flightsql.StatementExecutor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.arrow.memory.BufferAllocator;

/**
 * Downloads of a statement's whole answer: a call with the page's header asks for a one-use ticket (a minute, the same
 * session), the browser follows it as a plain link, and the statement runs again as the logged-in user — streamed as
 * CSV, or through a temporary file as Parquet. Only statements that read can be downloaded.
 */
final class WebDownloads {
    private static final long TICKET_MILLIS = 60_000;

    private final StatementExecutor statements;
    private final BufferAllocator allocator;
    private final Path downloads;
    private final Map<String, Ticket> tickets = new ConcurrentHashMap<>();
    private final SecureRandom random = new SecureRandom();

    /** A download asked for: whose, which statement, in which format, until when. */
    private record Ticket(String session, String sql, boolean parquet, long expiresMillis) {
    }

    /**
     * @param allocator where a Parquet download's batches are read back
     * @param downloads where a Parquet download is written before it is sent (deleted once sent)
     */
    WebDownloads(StatementExecutor statements, BufferAllocator allocator, Path downloads) {
        this.statements = statements;
        this.allocator = allocator;
        this.downloads = downloads;
    }

    void ticket(HttpExchange exchange, WebCaller caller) throws IOException {
        JsonNode body = JsonExchange.body(exchange);
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
        JsonExchange.send(exchange, 200, Map.of("url", "/api/download/" + id));
    }

    /**
     * Runs a ticket's statement and sends its answer (CSV streamed, or Parquet); the ticket is used up, and must belong
     * to the caller's session.
     */
    void download(HttpExchange exchange, WebCaller caller, String id) throws IOException {
        Ticket ticket = tickets.remove(id);
        if (ticket == null || ticket.expiresMillis() < System.currentTimeMillis()
                || !ticket.session().equals(caller.identity().session())) {
            JsonExchange.error(exchange, 404, new MallardException(ErrorCode.INVALID_ARGUMENT,
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
            JsonExchange.error(exchange, 400, e);
        }
    }

    /** Runs the statement into a temporary Parquet file, sends it, and deletes it. */
    private void parquet(HttpExchange exchange, WebCaller caller, String sql) throws IOException {
        try (ParquetDownload parquet = new ParquetDownload(downloads)) {
            statements.stream(caller.identity(), caller.session().settings, UUID.randomUUID().toString(), sql, parquet);
            if (parquet.error() != null) {
                JsonExchange.error(exchange, 400, parquet.error());
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
}
