package io.mallard.coordinator.flightsql;

import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;

/** The answer to a statement that changes something without DuckDB (user statements): one BIGINT {@code Count}. */
final class CountAnswer {
    static final Schema SCHEMA = new Schema(List.of(Field.nullable("Count", new ArrowType.Int(64, true))));

    private CountAnswer() {
    }

    /** One row holding {@code count}; the caller closes it. */
    static VectorSchemaRoot of(long count, BufferAllocator allocator) {
        VectorSchemaRoot root = VectorSchemaRoot.create(SCHEMA, allocator);
        BigIntVector column = (BigIntVector) root.getVector(0);
        column.allocateNew(1);
        column.set(0, count);
        root.setRowCount(1);
        return root;
    }
}
