package io.mallard.coordinator.tables;

import io.mallard.common.duck.BorrowedReader;
import io.mallard.coordinator.query.QueryResult;
import java.io.IOException;

/**
 * A query result's rows for the writer to stage: the result's own reader seen through a view that the staging may
 * close without closing it (the result's owner does), and that fails with the query's own error, since when a
 * distributed query fails while its rows stream, DuckDB's complaint about the broken stream is only a symptom.
 */
final class FailingReader extends BorrowedReader {
    private final QueryResult result;

    FailingReader(QueryResult result) {
        super(result.reader(), null);
        this.result = result;
    }

    @Override
    public boolean loadNextBatch() throws IOException {
        try {
            return super.loadNextBatch();
        } catch (IOException | RuntimeException e) {
            if (result.failure().isPresent()) {
                throw result.failure().get();
            }
            throw e;
        }
    }
}
