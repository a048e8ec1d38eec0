package io.mallard.common.duck;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.mallard.common.Json;
import java.sql.SQLException;
import java.sql.SQLTimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What DuckDB says an error is: its kind (DuckDB's {@code ExceptionType} by the name DuckDB gives it, "Catalog",
 * "Out of Memory", "INTERRUPT"…), for a missing catalog entry the entry's type ("Table", "Scalar Function"…), and
 * the message as DuckDB shows it ("Catalog Error: Table with name x does not exist!").
 *
 * <p>DuckDB's JDBC driver (2.0.0.1) gives the kind as a Java type only for an interrupt ({@link SQLTimeoutException});
 * every other engine error is a plain {@link SQLException} with no SQLSTATE and vendor code 0. A database with
 * {@code errors_as_json} set (every one {@link DuckLockdown} locks) sends its errors as DuckDB's structured JSON
 * ({@code exception_type}, {@code error_subtype}, {@code type}); a database without it renders the same kind as the
 * message's {@code "<kind> Error: "} prefix and a missing entry as {@code "<type> with name <name> does not exist!"}.
 * Both forms are read here; {@code DuckErrorsTest} checks that they agree for every kind {@link DuckErrorCodes} maps.
 *
 * @param kind         DuckDB's exception type name; null when the exception did not come from DuckDB's engine (a
 *                     JDBC driver check, or an exception Mallard made itself)
 * @param missingEntry the catalog entry type of a {@code MISSING_ENTRY} Catalog error, else null
 */
record DuckError(String kind, String missingEntry, String message) {
    static final String INTERRUPT = "INTERRUPT";
    private static final Pattern PREFIXED = Pattern.compile("^([A-Za-z ]+) Error: (.*)$", Pattern.DOTALL);
    private static final Pattern MISSING_ENTRY = Pattern.compile("^([A-Z][A-Za-z ]*?) with name \\S.* does not exist!");

    static DuckError read(SQLException e) {
        String text = e.getMessage() == null ? e.toString() : e.getMessage().strip();
        DuckError read = readJson(text);
        if (read == null) {
            Matcher prefixed = PREFIXED.matcher(text);
            if (prefixed.matches()) {
                String body = prefixed.group(2).strip();
                read = readJson(body); // DuckDB's parser puts its JSON behind a "Parser Error: " prefix
                if (read == null) {
                    read = new DuckError(prefixed.group(1).strip(), textMissingEntry(prefixed.group(1).strip(), body), text);
                }
            } else {
                read = new DuckError(null, null, text);
            }
        }
        return e instanceof SQLTimeoutException ? new DuckError(INTERRUPT, null, read.message()) : read;
    }

    private static DuckError readJson(String text) {
        if (!text.startsWith("{")) {
            return null;
        }
        JsonNode json;
        try {
            json = Json.mapper().readTree(text);
        } catch (JsonProcessingException e) {
            return null;
        }
        String kind = json.path("exception_type").asText("");
        if (kind.isEmpty()) {
            return null;
        }
        String missingEntry = "MISSING_ENTRY".equals(json.path("error_subtype").asText()) && json.hasNonNull("type")
                ? json.get("type").asText() : null;
        return new DuckError(kind, missingEntry, kind + " Error: " + json.path("exception_message").asText("").strip());
    }

    private static String textMissingEntry(String kind, String body) {
        if (!"Catalog".equals(kind)) {
            return null;
        }
        Matcher m = MISSING_ENTRY.matcher(body);
        return m.find() ? m.group(1) : null;
    }
}
