package io.mallard.coordinator.tables;

import io.mallard.coordinator.query.QueryResult;
import java.io.IOException;
import java.util.Map;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.dictionary.Dictionary;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * A query result's rows for the writer to stage: the result's own reader seen through a view that the staging may
 * close without closing it (the result's owner does), and that fails with the query's own error, since when a
 * distributed query fails while its rows stream, DuckDB's complaint about the broken stream is only a symptom.
 */
final class FailingReader extends ArrowReader {
    private final QueryResult result;

    FailingReader(QueryResult result) {
        super(null);
        this.result = result;
    }

    @Override
    public VectorSchemaRoot getVectorSchemaRoot() throws IOException {
        return result.reader().getVectorSchemaRoot();
    }

    @Override
    public Map<Long, Dictionary> getDictionaryVectors() throws IOException {
        return result.reader().getDictionaryVectors();
    }

    @Override
    public Dictionary lookup(long id) {
        return result.reader().lookup(id);
    }

    @Override
    public boolean loadNextBatch() throws IOException {
        try {
            return result.reader().loadNextBatch();
        } catch (IOException | RuntimeException e) {
            if (result.failure().isPresent()) {
                throw result.failure().get();
            }
            throw e;
        }
    }

    @Override
    public long bytesRead() {
        return result.reader().bytesRead();
    }

    @Override
    public void close(boolean closeReadSource) {
        // the result's own reader is closed with the result
    }

    @Override
    protected void closeReadSource() {
    }

    @Override
    protected Schema readSchema() throws IOException {
        return result.reader().getVectorSchemaRoot().getSchema();
    }
}
