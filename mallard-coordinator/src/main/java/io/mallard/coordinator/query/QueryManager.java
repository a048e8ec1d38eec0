package io.mallard.coordinator.query;

import io.mallard.common.ErrorCode;
import io.mallard.common.MallardException;
import io.mallard.common.Resources;
import io.mallard.common.duck.DuckErrors;
import io.mallard.coordinator.CoordinatorConfig;
import io.mallard.coordinator.catalog.ReferenceConnections;
import io.mallard.coordinator.cluster.WorkerRegistry;
import io.mallard.coordinator.combine.SharedDatabase;
import io.mallard.coordinator.combine.CombineSession;
import io.mallard.coordinator.combine.Combiner;
import io.mallard.coordinator.combine.SpillArea;
import io.mallard.coordinator.scheduling.DistributedQuery;
import io.mallard.coordinator.scheduling.QueryStats;
import io.mallard.coordinator.scheduling.Scheduler;
import io.mallard.data.table.PinnedSnapshot;
import io.mallard.data.table.Snapshot;
import java.util.function.Supplier;
import io.mallard.planner.plan.DistributedPlan;
import io.mallard.planner.plan.DistributedPlanner;
import io.mallard.planner.plan.ExplainStatement;
import io.mallard.planner.plan.PlanPrinter;
import io.mallard.protocol.Messages;
import io.mallard.protocol.QuerySettings;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A query's life on the coordinator: planned ({@link PlanCache}), then either answered on the coordinator alone
 * ({@link LocalRunner}: LOCAL plans, EXPLAIN) or distributed: its tasks handed to workers by the {@link Scheduler} and
 * their Arrow answers merged by the {@link Combiner} as they arrive. The result is a {@link QueryResult} whose closing
 * releases everything; a cancel reaches the workers and DuckDB.
 */
public final class QueryManager implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(QueryManager.class);

    private final PlanCache plans;
    private final Supplier<Snapshot> snapshot;
    private final Supplier<PinnedSnapshot> pin;
    private final LocalRunner local;
    private final Scheduler scheduler;
    private final Combiner combiner;
    /** One in-memory DuckDB for every combine (and text answer); each query uses a connection of its own. */
    private final SharedDatabase combineDatabase;
    private final QueryControls controls;
    private final SpillArea spill;
    private final long defaultTimeoutMillis;

    /**
     * @param snapshot the catalog's current version: what a query starting now is planned against
     * @param pin      pins the current version for a query that reads it, until the query's result is closed
     * @param spill    where received batches go when the coordinator's memory for query data runs short
     */
    public QueryManager(DistributedPlanner planner, WorkerRegistry registry, Supplier<Snapshot> snapshot,
            Supplier<PinnedSnapshot> pin, ReferenceConnections reference, BufferAllocator allocator, SpillArea spill,
            CoordinatorConfig config) throws SQLException {
        long budget = config.memoryBudgetBytes();
        this.combineDatabase = new SharedDatabase(budget, config.spillDir().resolve("duckdb-combine"));
        this.snapshot = snapshot;
        this.pin = pin;
        this.plans = new PlanCache(planner, snapshot);
        this.local = new LocalRunner(reference, combineDatabase, allocator);
        this.spill = spill;
        this.scheduler = new Scheduler(registry, config.shardWaitMillis(), config.faults().speculationMultiplier(),
                config.faults().speculationMinMillis(), spill);
        spill.onExhausted(() -> scheduler.stopAll(new MallardException(ErrorCode.OUT_OF_MEMORY, "the coordinator's memory "
                + "budget for query data (" + (config.memoryBudgetBytes() >> 20) + " MiB, --memory-bytes) cannot fit "
                + "the workers' answers even with every waiting batch spilled to disk")));
        this.combiner = new Combiner(reference, combineDatabase, allocator);
        this.defaultTimeoutMillis = config.queryTimeoutMillis();
        this.controls = new QueryControls(config.limits().maxRunningQueries(), this::stopRunning);
    }

    /** The edge tables whose partitions distributed queries may read (docs/edge.md). */
    public void useEdgeTables(io.mallard.coordinator.edge.EdgeTables edge) {
        plans.useEdgeTables(edge);
    }

    /** Plans a query; plans are cached by their exact text. */
    public DistributedPlan plan(String sql) {
        return plans.plan(sql);
    }

    /** The shards a plan's streams read, dataset by dataset. */
    public List<String> shardsOf(DistributedPlan plan) {
        return plans.shardsOf(plan);
    }

    /**
     * A plan as EXPLAIN shows it: strategy, worker and combine SQL, and for edge tables the partitions (workers) it
     * reads with their state now.
     */
    public String describe(DistributedPlan plan) {
        List<String> shards = plans.shardsOf(plan);
        StringBuilder text = new StringBuilder(PlanPrinter.print(plan, shards));
        io.mallard.coordinator.edge.EdgeTables edge = plans.edge();
        if (edge != null) {
            List<String> partitions = new java.util.ArrayList<>();
            for (String shard : shards) {
                if (io.mallard.protocol.EdgePartitions.isEdge(shard)) {
                    String table = io.mallard.protocol.EdgePartitions.table(shard).orElseThrow();
                    edge.partitionsOf(table).stream().filter(p -> p.id().equals(shard)).findFirst().ifPresent(p ->
                            partitions.add(io.mallard.protocol.EdgePartitions.label(shard) + " (worker " + p.workerId()
                                    + ", " + (edge.online(p) ? "online" : "offline") + ")"));
                }
            }
            if (!partitions.isEmpty()) {
                text.append("partitions: ").append(String.join(", ", partitions)).append('\n');
            }
        }
        return text.toString();
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
            DistributedPlan plan = summarized(explained.get(), settings).orElseGet(() -> plans.plan(explained.get()));
            return local.text(plan, describe(plan));
        }
        Optional<String> analyzed = ExplainStatement.analyzeTarget(sql);
        if (analyzed.isPresent()) {
            DistributedPlan plan = plans.plan(analyzed.get(), settings);
            String figures = ExplainAnalyzer.run(this, analyzed.get(), settings);
            return local.text(plan, describe(plan) + figures);
        }
        // the query's clock starts now (queued time counts) and it waits for its turn among the running queries
        QueryControls.Control control = controls.admit(queryId, settings.effectiveTimeoutMillis(defaultTimeoutMillis));
        try {
            long start = System.nanoTime();
            DistributedPlan plan = summarized(sql, settings).orElseGet(() -> plans.plan(sql, settings));
            QueryStats.Phase planned = QueryStats.Phase.between("plan", start, System.nanoTime(),
                    java.util.Map.of("mallard.strategy", plan.strategy().name()));
            if (!settings.distributed() && plan.isDistributed()) {
                throw new MallardException(ErrorCode.INVALID_ARGUMENT, "mallard.distributed is off, but this query reads "
                        + "partitioned tables, whose rows only the workers hold (the coordinator keeps full copies of "
                        + "dimension and replicated tables); SET mallard.distributed = true");
            }
            LOG.debug("query {} planned in {} us: {}", queryId, (System.nanoTime() - start) / 1000, plan.strategy());
            QueryResult result = plan.isDistributed() ? runDistributed(queryId, plan, control, settings)
                    : local.run(queryId, plan, control::reason);
            return result.withPhaseFirst(planned).stoppedBy(control::reason).whenClosed(control);
        } catch (RuntimeException e) {
            control.close();
            throw control.reason() != null ? control.reason() : e;
        }
    }

    /** The plan of {@code SUMMARIZE t} for a partitioned table (statistics, sketches and samples, not the rows). */
    private Optional<DistributedPlan> summarized(String sql, QuerySettings settings) {
        if (!settings.summarize()) {
            return Optional.empty(); // the workers' partial results of the general plan, as the setting asks
        }
        return SummarizePlan.target(sql).flatMap(table -> SummarizePlan.plan(table, snapshot.get()));
    }

    /** Hands the tasks out, then starts the combine over their answers; the first failure wins. */
    private QueryResult runDistributed(String queryId, DistributedPlan plan, QueryControls.Control control,
            QuerySettings settings) {
        // which edge partitions it reads is decided now: offline ones fail it, or are left out with a warning
        EdgeReads edgeReads = EdgeReads.of(plan, plans.edge(), settings);
        PinnedSnapshot version = pin.get(); // the query reads this version, whatever commits meanwhile
        Snapshot pinned = version.snapshot();
        try {
            QueryResult result = runDistributed(queryId, plan, pinned, (stream, shard) -> plans.tables(pinned, stream, shard),
                    control, edgeReads);
            result.onClose(version);
            return result.withWarning(edgeReads.warning());
        } catch (RuntimeException e) {
            version.close();
            throw e;
        }
    }

    /**
     * Runs a plan made elsewhere (the row queries of DELETE and UPDATE, whose worker SQL reads a table's rows view) at
     * the version {@code pinned}; every stream's tasks read {@code tables} there, and the tables their SQL reads (the
     * sub-queries of a condition). It takes its turn among the running
     * queries and has the cluster's default timeout.
     */
    public QueryResult executePlan(String queryId, DistributedPlan plan, Snapshot pinned, java.util.Set<String> tables) {
        QueryControls.Control control = controls.admit(queryId, defaultTimeoutMillis);
        try {
            return runDistributed(queryId, plan, pinned, (stream, shard) -> plans.tables(pinned, stream, tables, shard), control,
                    EdgeReads.NONE)
                    .stoppedBy(control::reason).whenClosed(control);
        } catch (RuntimeException e) {
            control.close();
            throw control.reason() != null ? control.reason() : e;
        }
    }

    private QueryResult runDistributed(String queryId, DistributedPlan plan, Snapshot pinned,
            java.util.function.BiFunction<DistributedPlan.WorkerStream, String, List<io.mallard.protocol.Messages.TableScan>> tables,
            QueryControls.Control control, EdgeReads edgeReads) {
        long start = System.nanoTime();
        DistributedQuery query = scheduler.register(queryId, plan, plans.shardsByDataset(plan, edgeReads), tables);
        Resources resources = new Resources();
        resources.onClose(() -> scheduler.finish(query));
        try {
            if (control.reason() != null) {
                throw control.reason(); // stopped before the scheduler knew it
            }
            scheduler.dispatch(query);
            LOG.debug("query {} dispatched after {} us", queryId, (System.nanoTime() - start) / 1000);
            CombineSession combine = combiner.open(plan, query, resources);
            query.onCancel(combine::interrupt);
            ArrowReader reader = combine.run();
            LOG.debug("query {} combined after {} us", queryId, (System.nanoTime() - start) / 1000);
            return new QueryResult(queryId, plan, reader, resources.transfer(), query::failureWhileRunning)
                    .withStats(query::stats);
        } catch (SQLException e) {
            throw fail(query, query.failure() != null ? query.failure() : DuckErrors.translate(e), resources);
        } catch (RuntimeException e) {
            // when a worker was lost, DuckDB's complaint about the stream is only a symptom
            throw fail(query, e instanceof MallardException m ? m : MallardException.internal("query failed: " + e.getMessage(), e),
                    resources);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw fail(query, new MallardException(ErrorCode.QUERY_CANCELLED, "query " + queryId + " was interrupted"),
                    resources);
        }
    }

    /** Fails the query (unless it failed first), releases what it holds and returns the failure that won. */
    private static MallardException fail(DistributedQuery query, MallardException cause, Resources resources) {
        query.fail(cause);
        MallardException winner = query.failure();
        resources.closeAfter(winner);
        return winner;
    }

    /**
     * Cancels a running query: a LOCAL one is interrupted in DuckDB; a distributed one fails with QUERY_CANCELLED, its
     * combine is interrupted and its tasks are cancelled on the workers. Returns false when no such query is running.
     */
    public boolean cancel(String queryId, String reason) {
        MallardException cancelled = new MallardException(ErrorCode.QUERY_CANCELLED, "query " + queryId
                + " was cancelled: " + reason);
        if (controls.stop(queryId, cancelled)) {
            LOG.info("query {} cancelled: {}", queryId, reason);
            return true;
        }
        return stopRunning(queryId, cancelled); // a query run without controls (EXPLAIN ANALYZE's inner runs have them)
    }

    /** Stops what a running query started: a LOCAL statement in DuckDB, or the tasks and combine of a distributed one. */
    private boolean stopRunning(String queryId, MallardException why) {
        if (local.cancel(queryId)) {
            return true;
        }
        return scheduler.stop(queryId, why);
    }

    /** Whether the query waits for its turn (more queries run than the coordinator's limit). */
    public boolean isQueued(String queryId) {
        return controls.isQueued(queryId);
    }

    /** Tasks, retries, duplicates, rows and bytes of the distributed queries that ended since start. */
    public io.mallard.coordinator.scheduling.SchedulerTotals schedulerTotals() {
        return scheduler.totals();
    }

    /** Where received batches spill once the coordinator's memory passed half its budget. */
    public SpillArea spillArea() {
        return spill;
    }

    /** Queries waiting for their turn now. */
    public int queuedQueries() {
        return controls.queued();
    }

    /** The strategy and tasks of a running distributed query, also while it is still starting. */
    public Optional<QueryStats> stats(String queryId) {
        return scheduler.stats(queryId);
    }

    /** The ids, strategies and task progress of the distributed queries running now. */
    public Map<String, QueryStats> running() {
        return scheduler.running();
    }

    /** A distributed query still running (its result not yet closed). */
    Optional<DistributedQuery> running(String queryId) {
        return scheduler.query(queryId);
    }

    /** Takes a worker's DoPut of task results (see {@link Messages.TaskResult}); runs until the stream ends. */
    public void acceptResult(String workerId, Messages.TaskResult header, FlightStream stream) {
        scheduler.acceptResult(workerId, header, stream);
    }

    /** A worker reports that its task failed: the query fails with the worker's own error code and message. */
    public void taskFailed(String workerId, Messages.TaskFailed failed) {
        scheduler.taskFailed(workerId, failed);
    }

    /** A worker missed its lease: its tasks run on other holders of their shards, or their queries fail. */
    public void workerLost(String workerId) {
        scheduler.workerLost(workerId);
    }

    /** A worker is suspected (silent, or its connection broke): its running tasks get duplicates elsewhere. */
    public void workerSuspected(String workerId) {
        scheduler.workerSuspected(workerId);
    }

    public int activeQueries() {
        return scheduler.activeQueries();
    }

    @Override
    public void close() {
        controls.close();
        scheduler.close();
        try {
            combineDatabase.close();
        } catch (SQLException e) {
            LOG.warn("closing the combine database: {}", e.getMessage());
        }
    }
}
