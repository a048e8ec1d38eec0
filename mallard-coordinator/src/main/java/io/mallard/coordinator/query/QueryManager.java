package io.mallard.coordinator.query;

import io.mallard.common.ErrorCode;
import io.mallard.common.MallardException;
import io.mallard.common.TextCache;
import io.mallard.common.duck.DuckArrow;
import io.mallard.common.duck.DuckErrors;
import io.mallard.common.duck.DuckLockdown;
import io.mallard.coordinator.cluster.WorkerRegistry;
import io.mallard.data.Manifest;
import io.mallard.data.ShardInfo;
import io.mallard.planner.plan.DistributedPlan;
import io.mallard.planner.plan.DistributedPlanner;
import io.mallard.planner.plan.ExplainStatement;
import io.mallard.planner.plan.PlanPrinter;
import io.mallard.protocol.BatchTag;
import io.mallard.protocol.Messages;
import io.mallard.protocol.QuerySettings;
import io.mallard.protocol.Messages.TaskSpec;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.arrow.c.ArrowArrayStream;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.VectorUnloader;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.ipc.message.ArrowRecordBatch;
import org.apache.arrow.vector.types.pojo.Schema;
import org.duckdb.DuckDBConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Plans and runs queries: LOCAL ones on the coordinator's full copies, distributed ones as one task per shard whose
 * Arrow results stream into a per-query in-memory DuckDB that runs the combine SQL. Accepts exactly one attempt per
 * shard and fails the whole query, naming worker and shard, when any task fails: never a partial answer.
 */
public final class QueryManager implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(QueryManager.class);

    private final DistributedPlanner planner;
    private final WorkerRegistry registry;
    private final Manifest manifest;
    private final DuckDBConnection reference;
    private final BufferAllocator allocator;
    private final long shardWaitMillis;
    private final long queryTimeoutMillis;
    private final Map<String, DistributedQuery> active = new ConcurrentHashMap<>();
    /** LOCAL queries running now, by id, so that a cancel can interrupt them in DuckDB. */
    private final Map<String, Statement> local = new ConcurrentHashMap<>();
    /** One in-memory DuckDB for every combine; each query scans its partials on a connection of its own. */
    private final DuckDBConnection combineDatabase;
    private final TextCache<DistributedPlan> planCache = new TextCache<>(512);

    public QueryManager(DistributedPlanner planner, WorkerRegistry registry, Manifest manifest, DuckDBConnection reference,
            BufferAllocator allocator, long shardWaitMillis, long queryTimeoutMillis) throws SQLException {
        this.combineDatabase = openCombineDatabase();
        this.planner = planner;
        this.registry = registry;
        this.manifest = manifest;
        this.reference = reference;
        this.allocator = allocator;
        this.shardWaitMillis = shardWaitMillis;
        this.queryTimeoutMillis = queryTimeoutMillis;
    }

    /** Plans a query; plans are cached by their exact text (the catalog of a running coordinator does not change). */
    public DistributedPlan plan(String sql) {
        return planCache.get(sql, planner::plan);
    }

    /** The shards a plan's streams read, dataset by dataset. */
    public List<String> shardsOf(DistributedPlan plan) {
        return shardsByDataset(plan).values().stream().flatMap(List::stream).distinct().toList();
    }

    private Map<String, List<String>> shardsByDataset(DistributedPlan plan) {
        Map<String, List<String>> shards = new LinkedHashMap<>();
        for (DistributedPlan.WorkerStream stream : plan.streams()) {
            shards.computeIfAbsent(stream.dataset(), d -> manifest.allShards().stream()
                    .filter(s -> s.dataset().equals(d)).map(ShardInfo::id).toList());
        }
        return shards;
    }

    /** Plans and starts a query; the caller streams and then closes the result. */
    public QueryResult execute(String sql) {
        return execute(sql, QuerySettings.DEFAULTS);
    }

    /** As {@link #execute(String)}, under a client session's settings. */
    public QueryResult execute(String sql, QuerySettings settings) {
        return execute(UUID.randomUUID().toString(), sql, settings);
    }

    /**
     * As {@link #execute(String, QuerySettings)} under an id the caller chose, so that it can {@link #cancel} the query
     * while this call is still waiting for the first rows.
     */
    public QueryResult execute(String queryId, String sql, QuerySettings settings) {
        Optional<String> explained = ExplainStatement.target(sql);
        if (explained.isPresent()) {
            return explain(explained.get());
        }
        Optional<String> analyzed = ExplainStatement.analyzeTarget(sql);
        if (analyzed.isPresent()) {
            DistributedPlan plan = settings.summarize() ? plan(analyzed.get()) : planner.planUnsummarized(analyzed.get());
            String figures = ExplainAnalyzer.run(this, analyzed.get(), settings);
            return textResult(plan, PlanPrinter.print(plan, shardsOf(plan)) + figures);
        }
        long start = System.nanoTime();
        DistributedPlan plan = settings.summarize() ? plan(sql) : planner.planUnsummarized(sql);
        if (!settings.distributed() && plan.isDistributed()) {
            throw new MallardException(ErrorCode.INVALID_ARGUMENT, "mallard.distributed is off, but this query reads "
                    + "partitioned tables, whose rows only the workers hold (the coordinator keeps full copies of dimension "
                    + "and replicated tables); SET mallard.distributed = true");
        }
        LOG.debug("query {} planned in {} us: {}", queryId, (System.nanoTime() - start) / 1000, plan.strategy());
        return plan.isDistributed() ? runDistributed(queryId, plan) : runLocal(queryId, plan);
    }

    /** EXPLAIN as a result: one row per line of the plan, in a column named {@code plan}. */
    private QueryResult explain(String sql) {
        DistributedPlan plan = plan(sql);
        return textResult(plan, PlanPrinter.print(plan, shardsOf(plan)));
    }

    private QueryResult textResult(DistributedPlan plan, String lines) {
        String text = lines.stripTrailing();
        List<AutoCloseable> resources = new ArrayList<>();
        try {
            Connection connection = combineDatabase.duplicate();
            resources.add(connection);
            PreparedStatement statement = connection.prepareStatement(
                    "SELECT unnest(string_split(?::VARCHAR, chr(10))) AS plan");
            resources.add(0, statement);
            statement.setString(1, text);
            ResultSet rs = statement.executeQuery();
            resources.add(0, rs);
            ArrowReader reader = DuckArrow.export(rs, allocator);
            resources.add(0, reader);
            return new QueryResult(UUID.randomUUID().toString(), plan, reader, resources, () -> null)
                    .withStats(() -> new QueryStats("EXPLAIN", List.of()));
        } catch (SQLException e) {
            closeQuietly(resources);
            throw DuckErrors.translate(e);
        }
    }

    private QueryResult runLocal(String queryId, DistributedPlan plan) {
        List<AutoCloseable> resources = new ArrayList<>();
        try {
            Connection connection = reference.duplicate();
            resources.add(connection);
            Statement statement = connection.createStatement();
            resources.add(0, statement);
            local.put(queryId, statement);
            resources.add(() -> local.remove(queryId));
            ResultSet rs = statement.executeQuery(plan.combineSql());
            resources.add(0, rs);
            ArrowReader reader = DuckArrow.export(rs, allocator);
            resources.add(0, reader);
            return new QueryResult(queryId, plan, reader, resources, () -> null)
                    .withStats(() -> new QueryStats(plan.strategy().name(), List.of()));
        } catch (SQLException e) {
            closeQuietly(resources);
            throw DuckErrors.translate(e);
        }
    }

    private QueryResult runDistributed(String queryId, DistributedPlan plan) {
        DistributedQuery query = new DistributedQuery(queryId, plan, shardsByDataset(plan));
        active.put(queryId, query);
        List<AutoCloseable> resources = new ArrayList<>();
        try {
            dispatch(query);
            query.dispatchedNanos = System.nanoTime();
            LOG.debug("query {} dispatched after {} us", queryId, (System.nanoTime() - query.startNanos) / 1000);
            // GATHER runs next to the full copies of dimension tables; partial aggregates need nothing but themselves
            Connection combine = plan.combinesOnReference() ? reference.duplicate() : combineDatabase.duplicate();
            resources.add(combine);
            for (DistributedPlan.WorkerStream stream : plan.streams()) {
                // registered views and temporary tables are local to this connection and shadow the (empty) table
                String view = stream.materialize() ? "__mallard_stream_" + stream.name() : stream.name();
                ArrowArrayStream rows = DuckArrow.register(combine, view,
                        new PartialsReader(allocator, query, query.byStream.get(stream.name()), queryTimeoutMillis), allocator);
                resources.add(0, rows);
                if (stream.materialize()) {
                    try (Statement copy = combine.createStatement()) {
                        copy.execute("CREATE TEMPORARY TABLE \"" + stream.name() + "\" AS SELECT * FROM \"" + view + "\"");
                    }
                }
            }
            Statement statement = combine.createStatement();
            resources.add(0, statement);
            query.combine = statement;
            ResultSet rs = statement.executeQuery(plan.combineSql());
            LOG.debug("query {} combined after {} us", queryId, (System.nanoTime() - query.startNanos) / 1000);
            resources.add(0, rs);
            ArrowReader reader = DuckArrow.export(rs, allocator);
            resources.add(0, reader);
            resources.add(() -> finish(query));
            return new QueryResult(queryId, plan, reader, resources, () -> active.containsKey(queryId) ? query.failure() : null)
                    .withStats(query::stats);
        } catch (SQLException e) {
            MallardException cause = query.failure() != null ? query.failure() : DuckErrors.translate(e);
            query.fail(cause);
            closeQuietly(resources);
            finish(query);
            throw cause;
        } catch (RuntimeException e) {
            // the first failure wins: when a worker was lost, DuckDB's complaint about the stream is only a symptom
            query.fail(e instanceof MallardException m ? m : MallardException.internal("query failed: " + e.getMessage(), e));
            MallardException cause = query.failure();
            closeQuietly(resources);
            finish(query);
            throw cause;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            MallardException cancelled = DistributedQuery.cancelled("query " + queryId + " was interrupted");
            query.fail(cancelled);
            closeQuietly(resources);
            finish(query);
            throw cancelled;
        }
    }

    /** Hands every task to a worker in one go, so that each worker takes all of its tasks in one poll reply. */
    private void dispatch(DistributedQuery query) throws InterruptedException {
        query.checkFailed();
        Map<TaskSpec, ShardSlot> slots = new IdentityHashMap<>();
        List<TaskSpec> tasks = new ArrayList<>(query.slots.size());
        for (ShardSlot slot : query.slots) {
            slot.attempt = 1;
            TaskSpec task = slot.task();
            slots.put(task, slot);
            tasks.add(task);
        }
        // the worker may answer before assignAll returns: record it first
        registry.assignAll(tasks, shardWaitMillis, (task, id) -> slots.get(task).workerId = id, (task, assigned) -> { });
    }

    /** Ends a query: cancels whatever still runs on workers and forgets it. */
    private void finish(DistributedQuery query) {
        if (active.remove(query.id) == null) {
            return;
        }
        MallardException failure = query.failure();
        LOG.info("query {} {} {} in {} ms: {} tasks, {} rows and {} bytes shipped{}", query.id, query.plan.strategy(),
                failure == null ? "finished" : "failed", (System.nanoTime() - query.startNanos) / 1_000_000,
                query.slots.size(), query.rowsShipped(), query.bytesShipped(),
                failure == null ? "" : " (" + failure.code() + ": " + failure.getMessage() + ")");
        if (query.failure() == null) {
            query.fail(DistributedQuery.cancelled("query " + query.id + " finished"));
        }
        for (ShardSlot slot : query.slots) {
            if (slot.workerId != null && !slot.done) {
                registry.cancelQuery(slot.workerId, query.id);
                registry.taskFinished(slot.workerId, slot.taskKey());
            }
            slot.discard();
        }
    }

    /**
     * Cancels a running distributed query: its combine stops at once with QUERY_CANCELLED and its tasks are cancelled on
     * the workers. Returns false when no such query is running (finished, LOCAL, or unknown).
     */
    public boolean cancel(String queryId, String reason) {
        Statement localStatement = local.get(queryId);
        if (localStatement != null) {
            interrupt(queryId, localStatement);
            LOG.info("query {} cancelled: {}", queryId, reason);
            return true;
        }
        DistributedQuery query = active.get(queryId);
        if (query == null) {
            return false;
        }
        if (query.fail(DistributedQuery.cancelled("query " + queryId + " was cancelled: " + reason))) {
            LOG.info("query {} cancelled: {}", queryId, reason);
        }
        Statement combine = query.combine;
        if (combine != null) {
            interrupt(queryId, combine); // the combine may be busy in DuckDB, not waiting for workers
        }
        return true;
    }

    private static void interrupt(String queryId, Statement statement) {
        try {
            statement.cancel();
        } catch (SQLException e) {
            LOG.debug("interrupting query {} in DuckDB failed", queryId, e);
        }
    }

    /** The strategy and tasks of a running distributed query, also while it is still starting. */
    public Optional<QueryStats> stats(String queryId) {
        DistributedQuery query = active.get(queryId);
        return query == null ? Optional.empty() : Optional.of(query.stats());
    }

    /** The ids, strategies and task progress of the distributed queries running now. */
    public Map<String, QueryStats> running() {
        Map<String, QueryStats> running = new LinkedHashMap<>();
        active.forEach((id, query) -> running.put(id, query.stats()));
        return running;
    }

    /**
     * Takes a worker's DoPut stream for one or more tasks of one query's stream (see {@link Messages.TaskResult}). Runs on
     * the Flight handler thread until the stream ends.
     */
    public void acceptResult(String workerId, Messages.TaskResult header, FlightStream stream) {
        DistributedQuery query = active.get(header.queryId());
        List<ShardSlot> slots = new ArrayList<>(header.tasks().size());
        for (Messages.TaskRef task : header.tasks()) {
            ShardSlot slot = query == null ? null : query.slot(header.stream(), task.shardId());
            if (slot == null || !workerId.equals(slot.workerId) || slot.attempt != task.attempt() || slot.uploading
                    || slots.contains(slot)) {
                throw new MallardException(ErrorCode.PROTOCOL_ERROR, "no open task " + header.taskKey(slots.size())
                        + " for worker " + workerId);
            }
            slots.add(slot);
        }
        if (slots.isEmpty()) {
            throw new MallardException(ErrorCode.PROTOCOL_ERROR, "an upload of worker " + workerId + " names no task");
        }
        slots.forEach(slot -> slot.uploading = true);
        ShardSlot current = slots.get(0);
        try {
            VectorSchemaRoot root = stream.getRoot();
            ShardSlot first = query.byStream.get(header.stream()).get(0);
            Schema schema = StreamDictionaries.messageSchema(root.getSchema(), stream.getDictionaryProvider());
            if (slots.size() > 1 && schema.getFields().stream().anyMatch(f -> f.getDictionary() != null)) {
                throw new MallardException(ErrorCode.PROTOCOL_ERROR, "an upload of several tasks cannot carry dictionaries");
            }
            for (ShardSlot slot : slots) {
                slot.schema.complete(schema);
                if (slot != first && first.schema.isDone() && !first.schema.isCompletedExceptionally()
                        && !first.schema.join().equals(schema)) {
                    throw new MallardException(ErrorCode.INTERNAL_ERROR, "shard " + slot.shardId
                            + " returned schema " + schema + " but shard " + first.shardId + " returned " + first.schema.join());
                }
            }
            boolean dictionariesTaken = false;
            while (stream.next()) {
                if (query.failure() != null) {
                    continue; // drain what is in flight; the query is over
                }
                boolean end = false;
                ArrowBuf tag = stream.getLatestMetadata();
                if (tag != null) {
                    byte[] bytes = new byte[(int) tag.readableBytes()];
                    tag.getBytes(0, bytes);
                    BatchTag decoded = BatchTag.decode(bytes);
                    end = decoded.end();
                    current = slotAt(slots, decoded.taskIndex(), workerId);
                } else if (slots.size() > 1) {
                    throw new MallardException(ErrorCode.PROTOCOL_ERROR, "a batch of an upload of several tasks names no task");
                }
                if (current.done) {
                    throw new MallardException(ErrorCode.PROTOCOL_ERROR, "shard " + current.shardId + " was already ended");
                }
                if (end) {
                    finishSlot(query, current, workerId);
                    continue;
                }
                if (current.firstBatchNanos == 0) {
                    current.firstBatchNanos = System.nanoTime();
                }
                if (!dictionariesTaken) {
                    // Flight reads a stream's dictionaries before its first batch.
                    current.dictionaries = StreamDictionaries.unload(schema, stream.getDictionaryProvider());
                    dictionariesTaken = true;
                }
                ArrowRecordBatch batch = new VectorUnloader(root).getRecordBatch();
                current.rows += root.getRowCount();
                current.bytes += batch.computeBodyLength();
                current.items.add(new ShardSlot.Item(batch));
            }
            for (ShardSlot slot : slots) {
                if (!slot.done && query.failure() == null) {
                    if (slots.size() > 1) {
                        throw new MallardException(ErrorCode.WORKER_FAILED, "worker " + registry.label(workerId)
                                + " ended its upload before the end of shard " + slot.shardId);
                    }
                    finishSlot(query, slot, workerId);
                }
            }
        } catch (RuntimeException e) {
            MallardException failure = e instanceof MallardException m && m.code() != ErrorCode.INTERNAL_ERROR ? m
                    : new MallardException(ErrorCode.WORKER_FAILED, "worker " + registry.label(workerId)
                            + " failed while sending the result of shard " + current.shardId + ": " + rootMessage(e), e);
            if (query.fail(failure)) {
                LOG.warn("query {} failed: {}", query.id, failure.getMessage());
            }
            throw failure;
        } finally {
            for (ShardSlot slot : slots) {
                if (!slot.done) {
                    registry.taskFinished(workerId, slot.taskKey());
                }
                if (query.failure() != null) {
                    slot.discard();
                }
            }
        }
    }

    private static ShardSlot slotAt(List<ShardSlot> slots, int index, String workerId) {
        if (index >= slots.size()) {
            throw new MallardException(ErrorCode.PROTOCOL_ERROR, "worker " + workerId + " tagged a batch with unknown task '"
                    + index + "'");
        }
        return slots.get(index);
    }

    /** The end of one shard's answer: the combine may read past it, and its worker has one task less. */
    private void finishSlot(DistributedQuery query, ShardSlot slot, String workerId) {
        slot.doneNanos = System.nanoTime();
        slot.done = true;
        slot.items.add(ShardSlot.Item.END);
        registry.taskFinished(workerId, slot.taskKey());
        LOG.debug("query {} shard {} done after {} us", query.id, slot.shardId, (System.nanoTime() - query.startNanos) / 1000);
    }

    /** A worker reports that its task failed: the query fails with the worker's own error code and message. */
    public void taskFailed(String workerId, Messages.TaskFailed failed) {
        DistributedQuery query = active.get(failed.task().queryId());
        if (query == null) {
            return;
        }
        ShardSlot slot = query.slot(failed.task().stream(), failed.task().shardId());
        if (slot != null && workerId.equals(slot.workerId) && slot.attempt == failed.task().attempt()) {
            MallardException error = failed.error().toException();
            query.fail(error);
            registry.taskFinished(workerId, failed.task().taskKey());
        }
    }

    /** A worker missed its lease: every query with a task on it fails, naming worker and shard. */
    public void workerLost(String workerId) {
        for (DistributedQuery query : active.values()) {
            for (ShardSlot slot : query.slots) {
                if (workerId.equals(slot.workerId) && !slot.done) {
                    query.fail(new MallardException(ErrorCode.WORKER_FAILED, "worker " + registry.label(workerId)
                            + " was lost (missed its heartbeat lease) while running shard " + slot.shardId));
                }
            }
        }
    }

    /**
     * Opening a DuckDB costs tens of milliseconds of CPU, so all combines share one in-memory database; the workers'
     * streams are registered as connection-local views. One thread per query keeps the combine order, and so
     * floating-point sums, reproducible; concurrent queries still run side by side on their own connections.
     */
    private static DuckDBConnection openCombineDatabase() throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("threads", "1");
        DuckDBConnection connection = (DuckDBConnection) DriverManager.getConnection("jdbc:duckdb:", properties);
        try {
            DuckLockdown.apply(connection);
        } catch (SQLException e) {
            connection.close();
            throw e;
        }
        return connection;
    }

    /** A distributed query still running (its result not yet closed), or null. */
    DistributedQuery running(String queryId) {
        return active.get(queryId);
    }

    public int activeQueries() {
        return active.size();
    }

    private static String rootMessage(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    }

    private static void closeQuietly(List<AutoCloseable> resources) {
        for (AutoCloseable resource : resources) {
            try {
                resource.close();
            } catch (Exception e) {
                LOG.debug("while closing after a failure", e);
            }
        }
    }

    @Override
    public void close() {
        for (DistributedQuery query : active.values()) {
            query.fail(DistributedQuery.cancelled("the coordinator is shutting down"));
            finish(query);
        }
        try {
            combineDatabase.close();
        } catch (SQLException e) {
            LOG.warn("closing the combine database: {}", e.getMessage());
        }
    }
}
