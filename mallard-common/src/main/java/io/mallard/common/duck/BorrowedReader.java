package io.mallard.common.duck;

import java.io.IOException;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.dictionary.Dictionary;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * Another reader's batches, handed on without taking the reader over: closing this one leaves it open. For giving a
 * reader to something that closes what it is given ({@link DuckArrow#register}) while its owner still closes it; a
 * subclass may change how batches are loaded or what closing does, and keeps the rest (schema, dictionaries).
 */
public class BorrowedReader extends ArrowReader {
    private final ArrowReader rows;

    /** @param allocator the allocator this reader reports (null when it allocates nothing itself) */
    public BorrowedReader(ArrowReader rows, BufferAllocator allocator) {
        super(allocator);
        this.rows = rows;
    }

    /** The reader handed on. */
    protected final ArrowReader rows() {
        return rows;
    }

    @Override
    public VectorSchemaRoot getVectorSchemaRoot() throws IOException {
        return rows.getVectorSchemaRoot();
    }

    @Override
    public Map<Long, Dictionary> getDictionaryVectors() throws IOException {
        return rows.getDictionaryVectors();
    }

    @Override
    public Dictionary lookup(long id) {
        return rows.lookup(id);
    }

    @Override
    public java.util.Set<Long> getDictionaryIds() {
        return rows.getDictionaryIds();
    }

    @Override
    public boolean loadNextBatch() throws IOException {
        return rows.loadNextBatch();
    }

    @Override
    public long bytesRead() {
        return rows.bytesRead();
    }

    @Override
    public void close(boolean closeReadSource) throws IOException {
    }

    @Override
    protected void closeReadSource() {
    }

    @Override
    protected Schema readSchema() throws IOException {
        return rows.getVectorSchemaRoot().getSchema();
    }
}
