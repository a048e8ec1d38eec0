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
import java.util.concurrent.atomic.AtomicBoolean;
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
 * arrives, in a DuckDB database of its own with one thread, so each statement runs on its own caller's thread (DuckDB's
 * parallelism inside each would only add work on cores the stream's receiving already keeps busy). Nothing is staged,
 * and the files are complete when the last row has arrived. Each shard's file is one INSERT fed by a queue of batches.
 * When the client says how many rows it sends, the shards are written a few at a time, one per core ("lanes"): each
 * open shard takes its share of the rows, ends, and the next shard opens, so no more statements run than there are
 * cores. Otherwise the batches are dealt round robin to all shards at once. The first batches are held back until there
 * is one for every shard: a stream that ends sooner is cut into equal shares of rows instead, so that a small ingest is
 * spread too. Measured against staging the stream and then writing the shard files: docs/benchmarks.md, "Writing the
 * stream straight into the shard files".
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
        Properties properties = DuckArrow.lossless(new Properties());
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
     *
     * @param expectedRows how many rows the client said it sends, or -1: with it, the shards are written one per core
     *                     at a time, each taking its share; a wrong count only spreads the rows less evenly
     */
    public List<ShardFile> write(TableDef table, List<String> names, ArrowReader rows, BufferAllocator allocator,
            int shards, long expectedRows) {
        int lanes = expectedRows < 0 ? shards : Math.min(shards, Runtime.getRuntime().availableProcessors());
        return write(table, names, rows, allocator, shards, expectedRows, lanes);
    }

    /** {@link #write} with {@code lanes} shards written at a time ({@code shards}: all at once, dealt round robin). */
    List<ShardFile> write(TableDef table, List<String> names, ArrowReader rows, BufferAllocator allocator, int shards,
            long expectedRows, int lanes) {
        Schema schema;
        try {
            schema = rows.getVectorSchemaRoot().getSchema();
        } catch (IOException e) {
            throw new MallardException(ErrorCode.IO_ERROR, "reading the schema of the stream: " + e.getMessage(), e);
        }
        // the statements start in shard order, as the dealer opens the shards
        ExecutorService threads = Executors.newFixedThreadPool(lanes, r -> {
            Thread t = new Thread(r, "stream-writer-" + THREADS.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        List<QueueReader> queues = new ArrayList<>();
        List<Future<FileWriter.Written>> statements = new ArrayList<>();
        AtomicBoolean failed = new AtomicBoolean();
        boolean written = false;
        try {
            String select = "AS v(" + quoted(names) + ")";
            for (int shard = 0; shard < shards; shard++) {
                QueueReader queue = new QueueReader(allocator, schema);
                queues.add(queue);
                // a shard whose statement has not started when the write fails never starts
                statements.add(threads.submit(() -> failed.get() ? null : writeShard(table, queue, select, allocator)));
            }
            long share = lanes < shards
                    ? Math.max(1, expectedRows / shards + (expectedRows % shards == 0 ? 0 : 1)) : Long.MAX_VALUE;
            new Dealer(allocator, schema, queues, statements, lanes, share).deal(rows);
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
            failed.set(!written);
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

    /**
     * Hands the stream's batches to the shards' queues: round robin over the open shards, {@code lanes} of them at a
     * time. With fewer lanes than shards, an open shard ends when it has about its share of the rows (to the nearest
     * batch) and the next shard opens in its place; the last open shards take whatever rows remain.
     */
    private static final class Dealer {
        private final BufferAllocator allocator;
        private final Schema schema;
        private final List<QueueReader> queues;
        private final List<Future<FileWriter.Written>> statements;
        private final long share;
        private final int[] open;
        private final long[] dealt;
        private final boolean[] ended;
        private int nextToOpen;
        private int turn;

        Dealer(BufferAllocator allocator, Schema schema, List<QueueReader> queues,
                List<Future<FileWriter.Written>> statements, int lanes, long share) {
            this.allocator = allocator;
            this.schema = schema;
            this.queues = queues;
            this.statements = statements;
            this.share = share;
            this.open = new int[lanes];
            for (int lane = 0; lane < lanes; lane++) {
                open[lane] = lane;
            }
            this.nextToOpen = lanes;
            this.dealt = new long[queues.size()];
            this.ended = new boolean[queues.size()];
        }

        /** Each batch, moved into a root of its own, to the next open shard; then the end to every shard. */
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
                for (int shard = 0; shard < queues.size(); shard++) {
                    end(shard);
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

        /**
         * Fewer batches than shards: each cut into one share of rows per shard; each shard gets its shares and its
         * end in turn (so that shards written a few at a time do not wait on each other).
         */
        private void handShares(List<VectorSchemaRoot> batches) throws IOException, InterruptedException,
                ExecutionException {
            List<List<VectorSchemaRoot>> shares = new ArrayList<>();
            try {
                for (int shard = 0; shard < queues.size(); shard++) {
                    shares.add(new ArrayList<>());
                }
                for (VectorSchemaRoot batch : batches) {
                    int n = batch.getRowCount();
                    for (int shard = 0; shard < queues.size(); shard++) {
                        int from = (int) ((long) n * shard / queues.size());
                        int to = (int) ((long) n * (shard + 1) / queues.size());
                        if (to > from) {
                            shares.get(shard).add(batch.slice(from, to - from));
                        }
                    }
                }
            } catch (RuntimeException e) {
                shares.forEach(s -> s.forEach(VectorSchemaRoot::close));
                throw e;
            } finally {
                batches.forEach(VectorSchemaRoot::close);
            }
            int shard = 0;
            int handed = 0;
            try {
                for (; shard < queues.size(); shard++) {
                    List<VectorSchemaRoot> mine = shares.get(shard);
                    for (handed = 0; handed < mine.size(); handed++) {
                        put(shard, mine.get(handed));
                    }
                    end(shard);
                }
            } finally {
                if (shard < queues.size()) { // failed: free what was not handed (put freed the one it failed on)
                    List<VectorSchemaRoot> mine = shares.get(shard);
                    mine.subList(Math.min(handed + 1, mine.size()), mine.size()).forEach(VectorSchemaRoot::close);
                    shares.subList(shard + 1, queues.size()).forEach(s -> s.forEach(VectorSchemaRoot::close));
                }
            }
        }

        /** Hands a batch to the next open shard, opening the next shard first when that one has its share. */
        private void hand(VectorSchemaRoot batch) throws IOException, InterruptedException, ExecutionException {
            int shard = open[turn];
            long n = batch.getRowCount();
            if (nextToOpen < queues.size() && dealt[shard] > 0 && dealt[shard] + n / 2 > share) {
                try {
                    end(shard);
                } catch (InterruptedException | RuntimeException e) {
                    batch.close();
                    throw e;
                }
                shard = nextToOpen++;
                open[turn] = shard;
            }
            put(shard, batch);
            dealt[shard] += n;
            turn = (turn + 1) % open.length;
        }

        /** Puts a batch in a shard's queue, or fails when that shard's statement ended (the batch is freed). */
        private void put(int shard, VectorSchemaRoot batch) throws IOException, InterruptedException,
                ExecutionException {
            QueueReader queue = queues.get(shard);
            try {
                while (!queue.batches.offer(Optional.of(batch), POLL_MILLIS, TimeUnit.MILLISECONDS)) {
                    Future<FileWriter.Written> statement = statements.get(shard);
                    if (statement.isDone()) {
                        statement.get(); // its failure, if it failed
                        throw new IOException("shard " + shard + "'s statement ended before the rows did");
                    }
                }
            } catch (IOException | InterruptedException | ExecutionException | RuntimeException e) {
                batch.close();
                throw e;
            }
        }

        /** Ends a shard's stream (once). */
        private void end(int shard) throws InterruptedException {
            if (!ended[shard]) {
                ended[shard] = true;
                queues.get(shard).batches.put(Optional.empty());
            }
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
