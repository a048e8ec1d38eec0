package io.mallard.common.logging;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One log event as one line: {@code 2026-12-06T23:55:35.123+00:00 WARN  [thread] logger - message} with a stack trace on
 * the following lines, or a JSON object {@code {"time":…,"level":…,"thread":…,"logger":…,"message":…,"error":…}}
 * with the stack trace inside it (so a JSON log is one object per line, always).
 */
record LogLine(OffsetDateTime time, LogLevel level, String thread, String logger, String message, Throwable error) {
    /** ISO-8601 with milliseconds and the offset: sortable, and unambiguous across time zones. */
    static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSXXX");
    private static final ObjectMapper JSON = new ObjectMapper();

    String render(LogFormat format) {
        return format == LogFormat.JSON ? json() : text();
    }

    private String text() {
        StringBuilder line = new StringBuilder(TIME.format(time)).append(' ')
                .append(String.format("%-5s", level.name())).append(" [").append(thread).append("] ")
                .append(logger).append(" - ").append(message);
        if (error != null) {
            line.append(System.lineSeparator()).append(stackTrace(error).stripTrailing());
        }
        return line.toString();
    }

    private String json() {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("time", TIME.format(time));
        fields.put("level", level.name());
        fields.put("thread", thread);
        fields.put("logger", logger);
        fields.put("message", message);
        if (error != null) {
            fields.put("error", stackTrace(error));
        }
        try {
            return JSON.writeValueAsString(fields);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a map of strings always serializes", e);
        }
    }

    private static String stackTrace(Throwable error) {
        StringWriter out = new StringWriter();
        error.printStackTrace(new PrintWriter(out));
        return out.toString();
    }
}
