package io.mallard.cli.load;

import io.mallard.common.ErrorCode;
import io.mallard.common.MallardException;
import io.mallard.common.duck.DuckArrow;
import java.io.IOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.dictionary.Dictionary;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * The rows of several files as one Arrow stream: each file's query runs in the client's DuckDB when the one before it
 * is done, and its batches are moved (not copied) into this reader's root. DuckDB streams its result, so no file is
 * held whole in memory, and nothing passes through the Java heap. A failure names the file it happened in.
 */
final class FileRowsReader extends ArrowReader {
    private final Connection duck;
    private final List<SourceFile> files;
    private final List<String> selects;
    private final LoadCounters counters;
    private final VectorSchemaRoot root;
    private int index = -1;
    private Statement statement;
    private ResultSet results;
    private ArrowReader current;

    /** Opens the first file's query (its schema is the stream's). */
    FileRowsReader(Connection duck, List<SourceFile> files, List<String> selects, BufferAllocator allocator,
            LoadCounters counters) {
        super(allocator);
        this.duck = duck;
        this.files = files;
        this.selects = selects;
        this.counters = counters;
        try {
            openNext();
            this.root = VectorSchemaRoot.create(current.getVectorSchemaRoot().getSchema(), allocator);
        } catch (IOException | RuntimeException e) {
            closeCurrent();
            throw e instanceof IOException io ? LoadErrors.reading(files.get(0).path(), io) : (RuntimeException) e;
        }
    }

    @Override
    public VectorSchemaRoot getVectorSchemaRoot() {
        return root;
    }

    @Override
    public boolean loadNextBatch() throws IOException {
        while (true) {
            boolean loaded;
            try {
                loaded = current.loadNextBatch();
            } catch (IOException e) {
                throw LoadErrors.reading(files.get(index).path(), e);
            }
            if (loaded) {
                move(current.getVectorSchemaRoot());
                return true;
            }
            closeCurrent();
            if (index + 1 == files.size()) {
                return false;
            }
            openNext();
            Schema schema = current.getVectorSchemaRoot().getSchema();
            if (!schema.equals(root.getSchema())) {
                throw new MallardException(ErrorCode.INTERNAL_ERROR, "reading " + files.get(index).path() + " gave "
                        + schema + " where the files before it gave " + root.getSchema());
            }
        }
    }

    /** The batch's buffers become this root's; the source's vectors are left empty for its next batch. */
    private void move(VectorSchemaRoot batch) {
        long bytes = 0;
        for (int i = 0; i < batch.getFieldVectors().size(); i++) {
            FieldVector target = root.getVector(i);
            batch.getVector(i).makeTransferPair(target).transfer();
            bytes += target.getBufferSize();
        }
        root.setRowCount(batch.getRowCount());
        counters.batch(batch.getRowCount(), bytes);
    }

    private void openNext() throws IOException {
        index++;
        counters.fileStarted(index + 1);
        try {
            statement = duck.createStatement();
            results = statement.executeQuery(selects.get(index));
            current = DuckArrow.export(results, allocator);
        } catch (SQLException e) {
            throw LoadErrors.reading(files.get(index).path(), causeOf(selects.get(index), e));
        }
    }

    /**
     * DuckDB's JDBC driver (2.0.0.1) reports a streamed query that fails in its first rows only as "Invalid result
     * set"; run again without streaming, the query fails with its own error (a value that does not fit, with its line).
     */
    private static SQLException causeOf(String select, SQLException streamed) {
        try (Connection materialized = DriverManager.getConnection("jdbc:duckdb:");
                Statement again = materialized.createStatement(); ResultSet ignored = again.executeQuery(select)) {
            return streamed;
        } catch (SQLException e) {
            e.addSuppressed(streamed);
            return e;
        }
    }

    private void closeCurrent() {
        try {
            if (current != null) {
                current.close();
            }
            if (results != null) {
                results.close();
            }
            if (statement != null) {
                statement.close();
            }
        } catch (IOException | SQLException e) {
            throw new MallardException(ErrorCode.INTERNAL_ERROR, "closing the query of "
                    + files.get(index).path() + ": " + e.getMessage(), e);
        } finally {
            current = null;
            results = null;
            statement = null;
        }
    }

    @Override
    public Map<Long, Dictionary> getDictionaryVectors() {
        return Map.of();
    }

    @Override
    public long bytesRead() {
        return counters.arrowBytes();
    }

    @Override
    public void close() {
        close(true);
    }

    @Override
    public void close(boolean closeReadSource) {
        try {
            closeCurrent();
        } finally {
            root.close();
        }
    }

    @Override
    protected void closeReadSource() {
    }

    @Override
    protected Schema readSchema() {
        return root.getSchema();
    }
}
