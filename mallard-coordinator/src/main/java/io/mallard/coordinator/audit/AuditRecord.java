package io.mallard.coordinator.audit;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import io.mallard.common.Json;
import io.mallard.common.MallardException;
import io.mallard.common.security.Secrets;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;

/**
 * One line of the audit log. {@code hash} is the SHA-256 of the record's canonical encoding ({@link #canonical()}: the
 * other fields in this order, as compact JSON), which includes {@code prev}, the hash of the record before it, so an
 * edited, removed or reordered line breaks the chain.
 *
 * @param seq       1 for the log's first record, then one more per record
 * @param time      when it happened, ISO-8601 UTC
 * @param event     {@code statement}, {@code login} or {@code token}
 * @param user      the user named by the call (for a failed login, the name that was tried)
 * @param source    the client's address, host:port
 * @param statement the statement's text with passwords masked; null for logins
 * @param outcome   {@code ok}, {@code failed}, {@code cancelled} or {@code refused}
 * @param errorCode the Mallard error code when it did not succeed
 * @param detail    the refusal's reason or the error's message, secrets masked
 * @param prev      the previous record's hash; 64 zeros for the first
 * @param hash      this record's hash
 */
public record AuditRecord(long seq, String time, String event, String user, String source, String statement,
        String outcome, String errorCode, String detail, String prev, String hash) {
    /** The {@code prev} of a log's first record. */
    public static final String GENESIS = "0".repeat(64);

    /** The encoding the hash is computed over: every field but {@code hash}, in declaration order, compact JSON. */
    public String canonical() {
        return encode(false);
    }

    /** The line written to the log: the canonical encoding with the hash as last field. */
    public String line() {
        return encode(true);
    }

    /** The SHA-256 (hex) of the canonical encoding. */
    public String computeHash() {
        return Secrets.sha256Hex(canonical().getBytes(StandardCharsets.UTF_8));
    }

    /** This record with its hash filled in. */
    public AuditRecord sealed() {
        return new AuditRecord(seq, time, event, user, source, statement, outcome, errorCode, detail, prev, computeHash());
    }

    /** A record read back from a line; fields that are missing or not text are null (the hash then fails). */
    public static AuditRecord parse(String line) throws IOException {
        JsonNode node = Json.mapper().readTree(line);
        if (node == null || !node.isObject()) {
            throw new IOException("not a JSON object");
        }
        return new AuditRecord(node.path("seq").asLong(-1), text(node, "time"), text(node, "event"), text(node, "user"),
                text(node, "source"), text(node, "statement"), text(node, "outcome"), text(node, "error_code"),
                text(node, "detail"), text(node, "prev"), text(node, "hash"));
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }

    private String encode(boolean withHash) {
        StringWriter out = new StringWriter();
        try (JsonGenerator json = Json.mapper().getFactory().createGenerator(out)) {
            json.writeStartObject();
            json.writeNumberField("seq", seq);
            json.writeStringField("time", time);
            json.writeStringField("event", event);
            json.writeStringField("user", user);
            json.writeStringField("source", source);
            json.writeStringField("statement", statement);
            json.writeStringField("outcome", outcome);
            json.writeStringField("error_code", errorCode);
            json.writeStringField("detail", detail);
            json.writeStringField("prev", prev);
            if (withHash) {
                json.writeStringField("hash", hash);
            }
            json.writeEndObject();
        } catch (IOException e) {
            throw MallardException.internal("cannot encode an audit record", e);
        }
        return out.toString();
    }
}
