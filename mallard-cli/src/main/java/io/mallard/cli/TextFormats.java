package io.mallard.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mallard.common.Json;
import io.mallard.common.rows.QueryRows;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.util.List;

/**
 * CSV (RFC 4180), JSON (an array of objects), Markdown and line ({@code column = value}, a row per block) renderings of
 * a result, every row, nothing cut.
 */
final class TextFormats {
    private TextFormats() {
    }

    static void csv(QueryRows result, PrintWriter out) {
        csv(result, true, "", out);
    }

    /** With or without the header line, and {@code nullValue} for NULL (empty by default). */
    static void csv(QueryRows result, boolean headers, String nullValue, PrintWriter out) {
        if (headers) {
            out.println(String.join(",", result.columns().stream().map(TextFormats::csvField).toList()));
        }
        for (List<Object> row : result.rows()) {
            out.println(String.join(",", row.stream().map(v -> csvField(v == null ? nullValue : TablePrinter.format(v)))
                    .toList()));
        }
    }

    /** Each row as lines {@code column = value}, the names right-aligned, a blank line between rows (DuckDB's .mode line). */
    static void line(QueryRows result, String nullValue, PrintWriter out) {
        int width = result.columns().stream().mapToInt(String::length).max().orElse(0);
        for (int r = 0; r < result.rows().size(); r++) {
            if (r > 0) {
                out.println();
            }
            List<Object> row = result.rows().get(r);
            for (int c = 0; c < result.columns().size(); c++) {
                Object v = row.get(c);
                out.println(" ".repeat(width - result.columns().get(c).length()) + result.columns().get(c) + " = "
                        + (v == null ? nullValue : TablePrinter.format(v)));
            }
        }
    }

    private static String csvField(String value) {
        if (value.contains(",") || value.contains("\"") || value.contains("\n") || value.contains("\r")) {
            return "\"" + value.replace("\"", "\"\"") + "\"";
        }
        return value;
    }

    static void json(QueryRows result, PrintWriter out) {
        ObjectMapper mapper = Json.mapper();
        try (JsonGenerator json = mapper.getFactory().createGenerator(out)) {
            json.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
            json.writeStartArray();
            for (List<Object> row : result.rows()) {
                json.writeStartObject();
                for (int c = 0; c < result.columns().size(); c++) {
                    json.writeFieldName(result.columns().get(c));
                    write(json, row.get(c));
                }
                json.writeEndObject();
            }
            json.writeEndArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        out.println();
    }

    /** Numbers, booleans and NULL as JSON's own; lists as arrays, structs and maps as objects; the rest as DuckDB spells it. */
    private static void write(JsonGenerator json, Object value) throws IOException {
        if (value == null) {
            json.writeNull();
        } else if (value instanceof BigDecimal d) {
            json.writeNumber(d);
        } else if (value instanceof Long l) {
            json.writeNumber(l);
        } else if (value instanceof java.math.BigInteger i) {
            json.writeNumber(i);
        } else if (value instanceof Double d && Double.isFinite(d)) {
            json.writeNumber(d);
        } else if (value instanceof Boolean b) {
            json.writeBoolean(b);
        } else if (value instanceof List<?> list) {
            json.writeStartArray();
            for (Object element : list) {
                write(json, element);
            }
            json.writeEndArray();
        } else if (value instanceof java.util.Map<?, ?> map) {
            json.writeStartObject();
            for (java.util.Map.Entry<?, ?> e : map.entrySet()) {
                json.writeFieldName(e.getKey() instanceof String s ? s : TablePrinter.format(e.getKey()));
                write(json, e.getValue());
            }
            json.writeEndObject();
        } else {
            json.writeString(TablePrinter.format(value));
        }
    }

    static void markdown(QueryRows result, PrintWriter out) {
        markdown(result, "NULL", out);
    }

    static void markdown(QueryRows result, String nullValue, PrintWriter out) {
        out.println("| " + String.join(" | ", result.columns().stream().map(TextFormats::markdownCell).toList()) + " |");
        out.println("|" + "---|".repeat(result.columns().size()));
        for (List<Object> row : result.rows()) {
            out.println("| " + String.join(" | ", row.stream()
                    .map(v -> markdownCell(v == null ? nullValue : TablePrinter.format(v))).toList()) + " |");
        }
    }

    private static String markdownCell(String value) {
        return value.replace("|", "\\|").replace("\n", " ");
    }
}
