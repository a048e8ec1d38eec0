package io.mallard.worker;

import io.mallard.common.ErrorCode;
import io.mallard.common.MallardException;
import io.mallard.common.duck.DuckArrow;
import io.mallard.common.duck.DuckErrors;
import io.mallard.protocol.Messages.TaskSpec;
import java.io.IOException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Set;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A task's query on its shard, open while its answer is read. Failures of the query itself (at the start or while its
 * rows stream) come out as DuckDB's coded errors; they are the SQL's fault, unlike a broken upload.
 */
final class TaskExecution implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TaskExecution.class);

    /**
     * Rows per uploaded batch. Each batch is one Flight message, which the coordinator must take whole into its memory
     * budget before it can spill it: a quarter of DuckDB's 65,536 keeps a wide table's message to a few MiB.
     */
    static final int UPLOAD_BATCH_ROWS = 16_384;

    final TaskSpec task;
    private final long startNanos = System.nanoTime();
    private final Set<Statement> running;
    private final Set<Statement> runningOfTask;
    private final WorkerDatabase.TaskConnection connection;
    private final Statement statement;
    private final ResultSet resultSet;
    private final ArrowReader reader;
    private final long executedNanos;

    /**
     * @param held          the files the worker holds: the task may read only those
     * @param running       the statements of the task's query, where a cancel of the query finds this one
     * @param runningOfTask the statements of this task attempt, where a cancel of just this attempt finds this one
     */
    TaskExecution(TaskSpec task, WorkerDatabase database, Set<String> held, Set<Statement> running,
            Set<Statement> runningOfTask, BufferAllocator allocator) {
        this.task = task;
        this.running = running;
        this.runningOfTask = runningOfTask;
        WorkerDatabase.TaskConnection c = null;
        Statement s = null;
        ResultSet rs = null;
        try {
            c = database.connect(task, held);
            s = c.connection().createStatement();
            running.add(s);
            runningOfTask.add(s);
            rs = s.executeQuery(task.sql());
            this.reader = DuckArrow.export(rs, allocator, UPLOAD_BATCH_ROWS);
        } catch (SQLException | RuntimeException e) {
            if (s != null) {
                running.remove(s);
                runningOfTask.remove(s);
            }
            closeAll(c, s, rs, null);
            throw e instanceof SQLException sql ? DuckErrors.translate(sql) : (RuntimeException) e;
        }
        this.connection = c;
        this.statement = s;
        this.resultSet = rs;
        this.executedNanos = System.nanoTime();
    }

    VectorSchemaRoot root() {
        try {
            return reader.getVectorSchemaRoot();
        } catch (IOException e) {
            throw queryFailed(e);
        }
    }

    ArrowReader reader() {
        return reader;
    }

    /** Loads the next batch of the answer; false at its end. */
    boolean next() {
        try {
            return reader.loadNextBatch();
        } catch (IOException e) {
            throw queryFailed(e);
        }
    }

    /** The query failed while its rows streamed out of DuckDB: DuckDB's error, with its kind. */
    private static MallardException queryFailed(IOException e) {
        return DuckErrors.translate(new SQLException(e.getMessage(), e));
    }

    void logTimes() {
        LOG.debug("task {}: execute {} us, upload {} us", task.key(), (executedNanos - startNanos) / 1000,
                (System.nanoTime() - executedNanos) / 1000);
    }

    @Override
    public void close() {
        running.remove(statement);
        runningOfTask.remove(statement);
        closeAll(connection, statement, resultSet, reader);
    }

    private void closeAll(WorkerDatabase.TaskConnection c, Statement s, ResultSet rs, ArrowReader r) {
        try (WorkerDatabase.TaskConnection c1 = c; Statement s1 = s; ResultSet rs1 = rs; ArrowReader r1 = r) {
            // closed in reverse order
        } catch (SQLException | IOException e) {
            LOG.debug("closing task {}: {}", task.key(), e.toString());
        }
    }
}
