package io.mallard.common;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import java.io.IOException;
import java.nio.file.Path;

/**
 * The one JSON mapper of the project: records in, records out, unknown fields ignored for forward compatibility (a
 * manifest or message written by a newer version with extra fields can still be read). Messages are compact; files
 * are indented because people read them.
 */
public final class Json {
    private static final ObjectMapper MAPPER = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
    private static final ObjectWriter FILE_WRITER = MAPPER.writerWithDefaultPrettyPrinter();

    private Json() {
    }

    public static ObjectMapper mapper() {
        return MAPPER;
    }

    public static byte[] toBytes(Object value) {
        try {
            return MAPPER.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw MallardException.internal("cannot encode " + value.getClass().getSimpleName(), e);
        }
    }

    public static String toText(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw MallardException.internal("cannot encode " + value.getClass().getSimpleName(), e);
        }
    }

    public static <T> T fromBytes(byte[] bytes, Class<T> type) {
        try {
            return MAPPER.readValue(bytes, type);
        } catch (IOException e) {
            throw new MallardException(ErrorCode.PROTOCOL_ERROR, "malformed " + type.getSimpleName() + ": " + e.getMessage(), e);
        }
    }

    public static JsonNode tree(String text) {
        try {
            return MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            throw MallardException.internal("malformed JSON", e);
        }
    }

    /** Writes {@code value} to {@code target}, indented, atomically ({@link AtomicFiles#write}). */
    public static void writeFile(Path target, Object value) throws IOException {
        AtomicFiles.write(target, out -> FILE_WRITER.writeValue(out, value));
    }

    public static <T> T readFile(Path source, Class<T> type) throws IOException {
        return MAPPER.readValue(source.toFile(), type);
    }
}
