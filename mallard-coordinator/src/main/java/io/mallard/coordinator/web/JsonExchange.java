package io.mallard.coordinator.web;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import io.mallard.common.ErrorCode;
import io.mallard.common.MallardException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/** The web API's JSON requests and answers: bodies read with a bound, errors as {@code {"error": {code, message, position}}}. */
final class JsonExchange {
    /** The largest request body read (a statement's own limit is the coordinator's --max-sql-bytes). */
    private static final int MAX_BODY = 16 << 20;
    private static final ObjectMapper JSON = new ObjectMapper();

    private JsonExchange() {
    }

    static JsonNode body(HttpExchange exchange) throws IOException {
        try (InputStream in = exchange.getRequestBody()) {
            byte[] bytes = in.readNBytes(MAX_BODY + 1);
            if (bytes.length > MAX_BODY) {
                throw new MallardException(ErrorCode.LIMIT_EXCEEDED, "the request is larger than " + MAX_BODY + " bytes");
            }
            try {
                JsonNode node = JSON.readTree(bytes);
                return node == null ? JSON.createObjectNode() : node;
            } catch (IOException e) {
                throw new MallardException(ErrorCode.INVALID_ARGUMENT, "the request is not JSON");
            }
        }
    }

    static Map<String, String> query(HttpExchange exchange) {
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

    static long parse(String value, long otherwise) {
        try {
            return value == null ? otherwise : Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new MallardException(ErrorCode.INVALID_ARGUMENT, "not a number: " + value);
        }
    }

    static void error(HttpExchange exchange, int status, MallardException e) throws IOException {
        Map<String, Object> error = new HashMap<>();
        error.put("code", e.code().wireName());
        error.put("message", e.getMessage());
        e.position().ifPresent(p -> error.put("position", p));
        send(exchange, status, Map.of("error", error));
    }

    static void send(HttpExchange exchange, int status, Object value) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (JsonGenerator out = JSON.getFactory().createGenerator(bytes)) {
            JSON.writeValue(out, value);
        }
        Responses.send(exchange, status, "application/json; charset=utf-8", bytes.toByteArray());
    }
}
