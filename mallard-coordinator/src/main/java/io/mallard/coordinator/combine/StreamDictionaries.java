package io.mallard.coordinator.combine;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.VectorUnloader;
import org.apache.arrow.vector.dictionary.Dictionary;
import org.apache.arrow.vector.dictionary.DictionaryProvider;
import org.apache.arrow.vector.ipc.message.ArrowDictionaryBatch;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.arrow.vector.util.DictionaryUtility;

/**
 * The dictionary-encoded columns of a worker's stream (DuckDB exports an ENUM as one). A Flight stream holds them in
 * memory format — the column's type is the index type, the values live in a dictionary — while an {@code ArrowReader}
 * that hands the rows on to DuckDB starts from the schema as sent and loads the dictionaries itself.
 */
final class StreamDictionaries {
    private StreamDictionaries() {
    }

    /** The schema as sent: each dictionary-encoded column with its value type; unchanged when there is none. */
    static Schema messageSchema(Schema memorySchema, DictionaryProvider provider) {
        if (memorySchema.getFields().stream().noneMatch(DictionaryUtility::needConvertToMessageFormat)) {
            return memorySchema;
        }
        Set<Long> ids = new HashSet<>();
        List<Field> fields = new ArrayList<>();
        for (Field field : memorySchema.getFields()) {
            fields.add(DictionaryUtility.toMessageFormat(field, provider, ids));
        }
        return new Schema(fields, memorySchema.getCustomMetadata());
    }

    /** Copies (by reference count) the stream's current dictionaries, to be loaded into a reader later; the caller closes them. */
    static List<ArrowDictionaryBatch> unload(Schema schema, DictionaryProvider provider) {
        Set<Long> ids = new HashSet<>();
        schema.getFields().forEach(field -> collectIds(field, ids));
        List<ArrowDictionaryBatch> out = new ArrayList<>(ids.size());
        for (long id : ids) {
            Dictionary dictionary = provider.lookup(id);
            FieldVector values = dictionary.getVector();
            VectorSchemaRoot root = new VectorSchemaRoot(List.of(values.getField()), List.of(values), values.getValueCount());
            out.add(new ArrowDictionaryBatch(id, new VectorUnloader(root).getRecordBatch()));
        }
        return out;
    }

    private static void collectIds(Field field, Set<Long> ids) {
        if (field.getDictionary() != null) {
            ids.add(field.getDictionary().getId());
        }
        field.getChildren().forEach(child -> collectIds(child, ids));
    }
}
