package io.mallard.cli.bench;

import io.mallard.common.duck.DuckArrow;
import io.mallard.data.Sql;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.arrow.c.ArrowArrayStream;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.dictionary.Dictionary;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.types.pojo.Schema;
import org.duckdb.DuckDBConnection;

/**
 * One way the coordinator could take a stream into a table's shard files without staging it first, measured for the
 * load benchmark: the stream's batches dealt round robin to one {@code CREATE TABLE … AS} per shard file, all running at
 * once in a DuckDB of one thread (each statement runs on its own caller thread; DuckDB's parallelism inside each would
 * only add work). Not Mallard's ingest yet: see docs/benchmarks.md, "The floor of this path on this machine".
 */
final class DealtImport {
    /** Batches a shard's statement may have waiting. */
    private static final int QUEUED_BATCHES = 4;
    private static final long POLL_MILLIS = 100;

    private DealtImport() {
    }

    /** Deals {@code rows} to {@code shards} new database files under {@code dir}; returns the rows they hold. */
    static long run(ArrowReader rows, BufferAllocator allocator, Path dir, int shards) throws IOException {
        Schema schema = rows.getVectorSchemaRoot().getSchema();
        List<Path> files = new ArrayList<>();
        for (int shard = 0; shard < shards; shard++) {
            files.add(dir.resolve("dealt-" + shard + ".duckdb"));
            Files.deleteIfExists(files.get(shard));
        }
        ExecutorService threads = Executors.newFixedThreadPool(shards);
        List<QueueReader> queues = new ArrayList<>();
        try (DuckDBConnection duck = (DuckDBConnection) DriverManager.getConnection("jdbc:duckdb:")) {
            Sql.execute(duck, "SET threads = 1");
            List<Future<Long>> written = new ArrayList<>();
            for (int shard = 0; shard < shards; shard++) {
                QueueReader queue = new QueueReader(allocator, schema);
                queues.add(queue);
                Path file = files.get(shard);
                String name = "dealt_" + shard;
                written.add(threads.submit(() -> importInto(duck, queue, file, name, allocator)));
            }
            try {
                deal(rows, schema, allocator, queues, written);
                long total = 0;
                for (Future<Long> w : written) {
                    total += w.get();
                }
                return total;
            } finally {
                // a statement still waiting for rows (the dealer failed) ends with what it has; then all have ended
                queues.forEach(QueueReader::abandon);
                threads.shutdownNow();
                threads.awaitTermination(1, TimeUnit.MINUTES);
            }
        } catch (SQLException e) {
            throw new IOException("the dealt import: " + e.getMessage(), e);
        } catch (ExecutionException e) {
            throw new IOException("the dealt import: " + e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("the dealt import was interrupted", e);
        } finally {
            threads.shutdownNow();
            queues.forEach(queue -> queue.close(true));
            for (Path file : files) {
                Files.deleteIfExists(file);
                Files.deleteIfExists(file.resolveSibling(file.getFileName() + ".wal"));
            }
        }
    }

    /** Each batch, moved into a root of its own, to the next shard's queue; then the end to every queue. */
    private static void deal(ArrowReader rows, Schema schema, BufferAllocator allocator, List<QueueReader> queues,
            List<Future<Long>> written) throws IOException, InterruptedException, ExecutionException {
        int next = 0;
        while (rows.loadNextBatch()) {
            VectorSchemaRoot batch = rows.getVectorSchemaRoot();
            VectorSchemaRoot moved = VectorSchemaRoot.create(schema, allocator);
            for (int i = 0; i < batch.getFieldVectors().size(); i++) {
                batch.getVector(i).makeTransferPair(moved.getVector(i)).transfer();
            }
            moved.setRowCount(batch.getRowCount());
            QueueReader queue = queues.get(next);
            while (!queue.batches.offer(Optional.of(moved), POLL_MILLIS, TimeUnit.MILLISECONDS)) {
                Future<Long> statement = written.get(next);
                if (statement.isDone()) {
                    moved.close();
                    statement.get(); // its failure, if it failed
                    throw new IOException("shard " + next + "'s import ended before its rows did");
                }
            }
            next = (next + 1) % queues.size();
        }
        for (QueueReader queue : queues) {
            queue.batches.put(Optional.empty());
        }
    }

    private static long importInto(DuckDBConnection duck, QueueReader queue, Path file, String name,
            BufferAllocator allocator) throws SQLException {
        try (DuckDBConnection own = (DuckDBConnection) duck.duplicate();
                ArrowArrayStream stream = DuckArrow.register(own, name, queue, allocator);
                Statement s = own.createStatement()) {
            s.execute("ATTACH " + Sql.literal(file.toString()) + " AS " + name + "_file");
            s.execute("CREATE TABLE " + name + "_file.t AS SELECT * FROM " + name);
            long rows = Sql.queryLong(own, "SELECT count(*) FROM " + name + "_file.t");
            s.execute("DETACH " + name + "_file");
            return rows;
        }
    }

    /** A shard's stream: the batches the dealer puts in its queue, until an empty one ends it. */
    private static final class QueueReader extends ArrowReader {
        private final BlockingQueue<Optional<VectorSchemaRoot>> batches = new ArrayBlockingQueue<>(QUEUED_BATCHES);
        private final VectorSchemaRoot root;
        private volatile boolean closed;

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

        /** Frees what is still queued and ends the stream for a statement still waiting. */
        void abandon() {
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
        public void close(boolean closeReadSource) {
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
}
