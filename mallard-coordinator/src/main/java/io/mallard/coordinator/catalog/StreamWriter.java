package io.mallard.coordinator.catalog;

import io.mallard.common.ErrorCode;
import io.mallard.common.MallardException;
import io.mallard.common.duck.DuckArrow;
import io.mallard.common.duck.DuckErrors;
import io.mallard.common.duck.DuckLockdown;
import io.mallard.data.Sql;
import io.mallard.data.table.ColumnDef;
import io.mallard.data.table.FileWriter;
import io.mallard.data.table.TableDef;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.arrow.c.ArrowArrayStream;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.dictionary.Dictionary;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.types.pojo.Schema;
import org.duckdb.DuckDBConnection;

/**
 * Writes a client's Arrow stream straight into new files of a table spread evenly, one file per shard, while the stream
 * arrives: its batches are dealt round robin to one INSERT per shard file, all running at once in a DuckDB database of
 * its own with one thread, so each statement runs on its own caller's thread (DuckDB's parallelism inside each would
 * only add work on cores the stream's receiving already keeps busy). Nothing is staged, and the files are complete when
 * the last row has arrived. The first batches are held back until there is one for every shard: a stream that ends
 * sooner is cut into equal shares of rows instead, so that a small ingest is spread too. Measured against staging the
 * stream and then writing the shard files: docs/benchmarks.md, "Writing the stream straight into the shard files".
 */
public final class StreamWriter implements AutoCloseable {
    /** Batches a shard's statement may have waiting. */
    private static final int QUEUED_BATCHES = 4;
    /** How often the dealer, waiting for a shard's statement to take a batch, looks whether the statement failed. */
    private static final long POLL_MILLIS = 100;
    private static final AtomicInteger THREADS = new AtomicInteger();

    private final DuckDBConnection duck;
    private final Path out;

    /** @param work the writer's work directory: files are written under its {@code out}, spill goes to {@code spill} */
    public StreamWriter(Path work) throws SQLException, IOException {
        this.out = Files.createDirectories(work.resolve("out"));
        Properties properties = new Properties();
        properties.setProperty("temp_directory", work.resolve("spill").toString());
        this.duck = (DuckDBConnection) DriverManager.getConnection("jdbc:duckdb:", properties);
        try {
            Sql.execute(duck, "SET threads = 1");
            String dir = out.toAbsolutePath().normalize().toString();
            Sql.execute(duck, "SET allowed_directories = [" + Sql.literal(dir.endsWith("/") ? dir : dir + "/") + "]");
            DuckLockdown.apply(duck);
        } catch (SQLException | RuntimeException e) {
            duck.close();
            throw e;
        }
    }

    /** A file written for one shard, not yet in the store. */
    public record ShardFile(FileWriter.Written file, int shard) {
    }

    /**
     * The columns a table made from a stream of {@code schema} gets, named {@code names} by position: the types DuckDB
     * gives the stream's Arrow types, all nullable, numbered from 0.
     */
    public List<ColumnDef> columns(Schema schema, List<String> names, BufferAllocator allocator) {
        String view = "__mallard_schema_" + FileWriter.newFileId();
        QueueReader empty = new QueueReader(allocator, schema);
        empty.batches.add(Optional.empty());
        List<ColumnDef> columns = new ArrayList<>();
        try (DuckDBConnection own = (DuckDBConnection) duck.duplicate();
                ArrowArrayStream stream = DuckArrow.register(own, view, empty, allocator);
                Statement s = own.createStatement();
                ResultSet rs = s.executeQuery("DESCRIBE SELECT * FROM " + view + " AS v(" + quoted(names) + ")")) {
            while (rs.next()) {
                columns.add(new ColumnDef(columns.size(), rs.getString(1), rs.getString(2), true));
            }
            return columns;
        } catch (SQLException e) {
            throw DuckErrors.translate(e);
        }
    }

    /**
     * Writes the rows of {@code rows}, whose columns are {@code table}'s named {@code names} by position, into one new
     * file per shard of {@code shards} that gets rows. Either every file is written or, when the stream or a statement
     * fails, none is left.
     */
    public List<ShardFile> write(TableDef table, List<String> names, ArrowReader rows, BufferAllocator allocator,
            int shards) {
        Schema schema;
        try {
            schema = rows.getVectorSchemaRoot().getSchema();
        } catch (IOException e) {
            throw new MallardException(ErrorCode.IO_ERROR, "reading the schema of the stream: " + e.getMessage(), e);
        }
        ExecutorService threads = Executors.newFixedThreadPool(shards, r -> {
            Thread t = new Thread(r, "stream-writer-" + THREADS.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        List<QueueReader> queues = new ArrayList<>();
        List<Future<FileWriter.Written>> statements = new ArrayList<>();
        boolean written = false;
        try {
            String select = "AS v(" + quoted(names) + ")";
            for (int shard = 0; shard < shards; shard++) {
                QueueReader queue = new QueueReader(allocator, schema);
                queues.add(queue);
                statements.add(threads.submit(() -> writeShard(table, queue, select, allocator)));
            }
            new Dealer(allocator, schema, queues, statements).deal(rows);
            List<ShardFile> files = new ArrayList<>();
            for (int shard = 0; shard < shards; shard++) {
                FileWriter.Written file = statements.get(shard).get();
                if (file != null) {
                    files.add(new ShardFile(file, shard));
                }
            }
            written = true;
            return files;
        } catch (ExecutionException e) {
            throw failure(e.getCause());
        } catch (IOException e) {
            throw new MallardException(ErrorCode.IO_ERROR, "reading the rows of the stream: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MallardException(ErrorCode.QUERY_CANCELLED, "the ingest was interrupted", e);
        } finally {
            // a statement still reading fails now (so it writes nothing); then every statement has ended
            queues.forEach(QueueReader::abandon);
            threads.shutdown();
            awaitQuietly(threads);
            if (!written) {
                deleteWritten(statements);
            }
            queues.forEach(q -> q.close(true));
        }
    }

    /** One shard's statement: its queue's batches into a new data file of {@code table} (null when it got none). */
    private FileWriter.Written writeShard(TableDef table, QueueReader queue, String alias, BufferAllocator allocator)
            throws SQLException, IOException {
        String view = "__mallard_stream_" + FileWriter.newFileId();
        try (DuckDBConnection own = (DuckDBConnection) duck.duplicate();
                ArrowArrayStream stream = DuckArrow.register(own, view, queue, allocator)) {
            return new FileWriter(own, out).writeData(table, "SELECT * FROM " + view + " " + alias);
        }
    }

    private static RuntimeException failure(Throwable cause) {
        if (cause instanceof SQLException e) {
            return DuckErrors.translate(e);
        }
        if (cause instanceof RuntimeException e) {
            return e;
        }
        return new MallardException(ErrorCode.IO_ERROR, "writing the rows of the stream: " + cause.getMessage(), cause);
    }

    private static void awaitQuietly(ExecutorService threads) {
        try {
            if (!threads.awaitTermination(1, TimeUnit.MINUTES)) {
                threads.shutdownNow();
            }
        } catch (InterruptedException e) {
            threads.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    /** The files of the statements that finished, for a write that failed. */
    private static void deleteWritten(List<Future<FileWriter.Written>> statements) {
        List<FileWriter.Written> files = new ArrayList<>();
        for (Future<FileWriter.Written> s : statements) {
            if (s.isDone() && !s.isCancelled()) {
                try {
                    FileWriter.Written file = s.get();
                    if (file != null) {
                        files.add(file);
                    }
                } catch (ExecutionException | InterruptedException ignored) {
                    // it failed: FileWriter removed its file
                }
            }
        }
        FileWriter.deleteQuietly(files);
    }

    private static String quoted(List<String> names) {
        return String.join(", ", names.stream().map(Sql::ident).toList());
    }

    /** Hands the stream's batches to the shards' queues. */
    private static final class Dealer {
        private final BufferAllocator allocator;
        private final Schema schema;
        private final List<QueueReader> queues;
        private final List<Future<FileWriter.Written>> statements;
        private int next;

        Dealer(BufferAllocator allocator, Schema schema, List<QueueReader> queues,
                List<Future<FileWriter.Written>> statements) {
            this.allocator = allocator;
            this.schema = schema;
            this.queues = queues;
            this.statements = statements;
        }

        /** Each batch, moved into a root of its own, to the next shard; then the end to every shard. */
        void deal(ArrowReader rows) throws IOException, InterruptedException, ExecutionException {
            List<VectorSchemaRoot> held = new ArrayList<>();
            try {
                while (rows.loadNextBatch()) {
                    VectorSchemaRoot batch = rows.getVectorSchemaRoot();
                    if (batch.getRowCount() == 0) {
                        continue;
                    }
                    VectorSchemaRoot moved = VectorSchemaRoot.create(schema, allocator);
                    for (int i = 0; i < batch.getFieldVectors().size(); i++) {
                        batch.getVector(i).makeTransferPair(moved.getVector(i)).transfer();
                    }
                    moved.setRowCount(batch.getRowCount());
                    if (held == null) {
                        hand(moved);
                        continue;
                    }
                    held.add(moved);
                    if (held.size() == queues.size()) {
                        List<VectorSchemaRoot> first = held;
                        held = null;
                        handAll(first);
                    }
                }
                if (held != null) {
                    List<VectorSchemaRoot> few = held;
                    held = null;
                    handShares(few);
                }
                for (QueueReader queue : queues) {
                    queue.batches.put(Optional.empty());
                }
            } finally {
                if (held != null) {
                    held.forEach(VectorSchemaRoot::close);
                }
            }
        }

        /** Hands every batch of {@code batches}; those not handed when one fails are freed. */
        private void handAll(List<VectorSchemaRoot> batches) throws IOException, InterruptedException,
                ExecutionException {
            int handed = 0;
            try {
                for (VectorSchemaRoot batch : batches) {
                    hand(batch);
                    handed++;
                }
            } finally {
                batches.subList(Math.min(handed + 1, batches.size()), batches.size()).forEach(VectorSchemaRoot::close);
            }
        }

        /** Fewer batches than shards: each cut into one share of rows per shard. */
        private void handShares(List<VectorSchemaRoot> batches) throws IOException, InterruptedException,
                ExecutionException {
            List<VectorSchemaRoot> shares = new ArrayList<>();
            try {
                for (VectorSchemaRoot batch : batches) {
                    int n = batch.getRowCount();
                    for (int shard = 0; shard < queues.size(); shard++) {
                        int from = (int) ((long) n * shard / queues.size());
                        int to = (int) ((long) n * (shard + 1) / queues.size());
                        if (to > from) {
                            shares.add(batch.slice(from, to - from));
                        }
                    }
                }
            } finally {
                batches.forEach(VectorSchemaRoot::close);
            }
            // shares of one batch go to consecutive shards, and the next batch's first share to the shard after
            handAll(shares);
        }

        /** Puts a batch in the next shard's queue, or fails when that shard's statement ended (the batch is freed). */
        private void hand(VectorSchemaRoot batch) throws IOException, InterruptedException, ExecutionException {
            QueueReader queue = queues.get(next);
            try {
                while (!queue.batches.offer(Optional.of(batch), POLL_MILLIS, TimeUnit.MILLISECONDS)) {
                    Future<FileWriter.Written> statement = statements.get(next);
                    if (statement.isDone()) {
                        statement.get(); // its failure, if it failed
                        throw new IOException("shard " + next + "'s statement ended before the rows did");
                    }
                }
            } catch (IOException | InterruptedException | ExecutionException | RuntimeException e) {
                batch.close();
                throw e;
            }
            next = (next + 1) % queues.size();
        }
    }

    /** A shard's stream: the batches the dealer puts in its queue, until an empty one ends it. */
    private static final class QueueReader extends ArrowReader {
        private final BlockingQueue<Optional<VectorSchemaRoot>> batches = new ArrayBlockingQueue<>(QUEUED_BATCHES);
        private final VectorSchemaRoot root;
        private volatile boolean abandoned;
        private boolean closed;

        QueueReader(BufferAllocator allocator, Schema schema) {
            super(allocator);
            this.root = VectorSchemaRoot.create(schema, allocator);
        }

        @Override
        public VectorSchemaRoot getVectorSchemaRoot() {
            return root;
        }

        @Override
        public Map<Long, Dictionary> getDictionaryVectors() {
            return Map.of();
        }

        @Override
        public boolean loadNextBatch() throws IOException {
            Optional<VectorSchemaRoot> next;
            try {
                next = batches.take();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while waiting for rows", e);
            }
            if (next.isEmpty()) {
                if (abandoned) {
                    batches.offer(Optional.empty()); // for a scan that asks again
                    throw new IOException("the ingest failed before the rows ended");
                }
                return false;
            }
            try (VectorSchemaRoot batch = next.get()) {
                for (int i = 0; i < batch.getFieldVectors().size(); i++) {
                    batch.getVector(i).makeTransferPair(root.getVector(i)).transfer();
                }
                root.setRowCount(batch.getRowCount());
            }
            return true;
        }

        /** Frees what is still queued, and fails the stream of a statement still reading it. */
        void abandon() {
            abandoned = true;
            Optional<VectorSchemaRoot> left;
            while ((left = batches.poll()) != null) {
                left.ifPresent(VectorSchemaRoot::close);
            }
            batches.offer(Optional.empty());
        }

        @Override
        public long bytesRead() {
            return 0;
        }

        @Override
        public synchronized void close(boolean closeReadSource) {
            if (!closed) {
                closed = true;
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

    @Override
    public void close() throws SQLException {
        duck.close();
    }
}
