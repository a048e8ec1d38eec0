package io.mallard.coordinator.web;

import io.mallard.common.ErrorCode;
import io.mallard.common.MallardException;
import io.mallard.common.duck.DuckArrow;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import org.apache.arrow.c.ArrowArrayStream;
import org.apache.arrow.flight.FlightProducer.ServerStreamListener;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.dictionary.DictionaryProvider;
import org.apache.arrow.vector.ipc.ArrowStreamReader;
import org.apache.arrow.vector.ipc.ArrowStreamWriter;
import org.apache.arrow.vector.ipc.message.IpcOption;

/**
 * A statement's whole answer as a Parquet file. Parquet's footer comes last, so the file cannot be streamed while the
 * statement runs: the answer's Arrow batches go to a temporary Arrow IPC file as they arrive (nothing is held in
 * memory but the batch), and once the statement ended a private in-memory DuckDB copies that stream to Parquet with
 * {@code COPY … (FORMAT parquet)}. Both files live in the coordinator's spill directory and are deleted by
 * {@link #close()}.
 */
final class ParquetDownload implements ServerStreamListener, AutoCloseable {
    private final Path arrowFile;
    private final Path parquetFile;
    private OutputStream out;
    private ArrowStreamWriter writer;
    private MallardException error;
    private volatile boolean cancelled;

    ParquetDownload(Path dir) throws IOException {
        Files.createDirectories(dir);
        this.arrowFile = Files.createTempFile(dir, "web-download-", ".arrows");
        this.parquetFile = arrowFile.resolveSibling(arrowFile.getFileName().toString().replace(".arrows", ".parquet"));
    }

    /** The statement's error, or null when its answer is in the Arrow file. */
    MallardException error() {
        return error;
    }

    /**
     * Converts the answer to Parquet and returns the file (deleted by {@link #close()}).
     *
     * @param allocator where the Arrow batches read back are allocated
     */
    Path toParquet(BufferAllocator allocator) throws IOException {
        if (writer == null) {
            throw new MallardException(ErrorCode.INVALID_ARGUMENT, "the statement has no answer to download");
        }
        try (BufferAllocator child = allocator.newChildAllocator("web-parquet-download", 0, Long.MAX_VALUE);
                Connection duck = DriverManager.getConnection("jdbc:duckdb:")) {
            // the stream owns the reader once registered, and closes it
            ArrowStreamReader reader = new ArrowStreamReader(Files.newInputStream(arrowFile), child);
            try (ArrowArrayStream stream = DuckArrow.register(duck, "answer", reader, child);
                    Statement copy = duck.createStatement()) {
                copy.execute("COPY (SELECT * FROM answer) TO '" + parquetFile.toString().replace("'", "''")
                        + "' (FORMAT parquet)");
            }
        } catch (SQLException e) {
            throw new MallardException(ErrorCode.INTERNAL_ERROR, "the answer could not be written as Parquet: "
                    + e.getMessage(), e);
        }
        return parquetFile;
    }

    @Override
    public boolean isCancelled() {
        return cancelled;
    }

    @Override
    public void setOnCancelHandler(Runnable handler) {
    }

    @Override
    public boolean isReady() {
        return true;
    }

    @Override
    public void start(VectorSchemaRoot root, DictionaryProvider dictionaries, IpcOption option) {
        try {
            out = Files.newOutputStream(arrowFile);
            writer = new ArrowStreamWriter(root, dictionaries, Channels.newChannel(out));
            writer.start();
        } catch (IOException e) {
            failed(e);
        }
    }

    @Override
    public void putNext() {
        try {
            writer.writeBatch();
        } catch (IOException e) {
            failed(e);
        }
    }

    private void failed(IOException e) {
        cancelled = true;
        throw new MallardException(ErrorCode.INTERNAL_ERROR, "the answer could not be written to the coordinator's "
                + "spill directory: " + e.getMessage(), e);
    }

    @Override
    public void putNext(ArrowBuf metadata) {
        putNext();
    }

    @Override
    public void putMetadata(ArrowBuf metadata) {
    }

    @Override
    public void error(Throwable t) {
        error = StatementFailures.of(t);
        closeWriter();
    }

    @Override
    public void completed() {
        try {
            writer.end();
        } catch (IOException e) {
            error = new MallardException(ErrorCode.INTERNAL_ERROR, "the answer could not be written: " + e.getMessage());
        }
        closeWriter();
    }

    private void closeWriter() {
        try {
            if (writer != null) {
                writer.close(); // closes the channel and the file
            } else if (out != null) {
                out.close();
            }
        } catch (IOException | RuntimeException e) {
            if (error == null) {
                error = new MallardException(ErrorCode.INTERNAL_ERROR, "the answer could not be written: " + e.getMessage());
            }
        }
    }

    @Override
    public void close() throws IOException {
        closeWriter();
        Files.deleteIfExists(arrowFile);
        Files.deleteIfExists(parquetFile);
    }
}
