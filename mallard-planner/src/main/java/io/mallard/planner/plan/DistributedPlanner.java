package io.mallard.planner.plan;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mallard.common.ErrorCode;
import io.mallard.common.MallardException;
import io.mallard.planner.catalog.Catalog;
import io.mallard.planner.sql.SqlEngine;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Chooses, per query, the cheapest strategy that is provably correct and produces the worker and combine SQL. The
 * strategies ({@link DistributionStrategy}) are asked in order: LOCAL, the three that push the statement down whole
 * (SHARD_LOCAL, PUSHDOWN_SCAN, PUSHDOWN_AGG; one of them fits the statement's shape), its sub-queries pushed down on
 * their own, and GATHER, which always plans. The first plan wins; a strategy that cannot plan the statement returns a
 * {@link Refusal}, and the first refusal is the reason the fallbacks name.
 */
public final class DistributedPlanner {
    /**
     * The name of the cluster's one database: the catalog of JDBC metadata, DuckDB's {@code current_database()} on the
     * coordinator, and the qualifier clients may write ({@code mallard.main.lineitem}).
     */
    public static final String DATABASE = "mallard";

    private final SqlEngine engine;
    private final Catalog catalog;
    private final StatementBinder binder;
    /** The strategies that distribute a statement as a whole. */
    private final List<DistributionStrategy> wholeStatement;
    /** All strategies, in the order they are asked. */
    private final List<DistributionStrategy> strategies;

    public DistributedPlanner(Catalog catalog, SqlEngine engine) {
        this.engine = engine;
        this.catalog = catalog;
        this.binder = new StatementBinder(catalog, engine);
        this.wholeStatement = List.of(new LocalStrategy(), new ShardLocalStrategy(catalog, engine),
                new PushdownScanStrategy(catalog, engine), new PushdownAggregationStrategy(catalog, engine));
        GatherStrategy gather = new GatherStrategy(catalog, engine);
        List<DistributionStrategy> all = new ArrayList<>(wholeStatement);
        all.add(new SubqueryPushdown(catalog, engine, this::planAlone, gather));
        all.add(gather);
        this.strategies = List.copyOf(all);
    }

    public DistributedPlan plan(String text) {
        String sql = io.mallard.planner.sql.NonQueries.asQuery(text).orElse(text);
        Statement statement = binder.bind(sql);
        if (statement.readsPartitioned()) {
            binder.rejectRowid(statement);
        }
        Attempt<DistributedPlan> plan = select(statement, strategies);
        if (!plan.succeeded()) {
            // only a table outside the catalog stops every strategy, GATHER included
            throw plan.refusal().toError();
        }
        return plan.value();
    }

    /**
     * The catalog tables (by catalog name, of any kind) a worker query reads: what a worker must have on its shard to
     * run it.
     */
    public java.util.Set<String> tablesRead(String workerSql) {
        return PartitionedReads.all(engine.parseSelect(workerSql), catalog);
    }

    /**
     * The plan for {@code SET mallard.summarize = false}: the workers' raw results of a pushed-down query, one row per
     * shard and group, with the shard's name in a {@code shard} column, instead of the combined answer.
     */
    public DistributedPlan planUnsummarized(String sql) {
        DistributedPlan plan = plan(sql);
        if (plan.strategy() != Strategy.PUSHDOWN_AGG && plan.strategy() != Strategy.PUSHDOWN_SCAN
                && plan.strategy() != Strategy.SHARD_LOCAL) {
            throw new MallardException(ErrorCode.INVALID_ARGUMENT, "mallard.summarize = false shows the partial results "
                    + "of pushed-down plans; this query is planned as " + plan.strategy());
        }
        List<DistributedPlan.WorkerStream> streams = new ArrayList<>();
        for (DistributedPlan.WorkerStream stream : plan.streams()) {
            // a worker defines the one-row view __mallard_shard next to the tables of every task it runs
            ObjectNode wrapper = engine.parseSelect("SELECT *, (SELECT shard FROM __mallard_shard) AS shard FROM (SELECT 1) "
                    + "AS __mallard_worker");
            ((ObjectNode) wrapper.path("from_table").path("subquery")).set("node", engine.parseSelect(stream.sql()));
            streams.add(new DistributedPlan.WorkerStream(stream.name(), stream.dataset(), engine.render(wrapper)));
        }
        String combine = engine.render(engine.parseSelect("SELECT * FROM " + DistributedPlan.PARTIALS));
        return new DistributedPlan(plan.strategy(), sql, streams, combine, List.of(),
                "mallard.summarize = false: the workers' partial results");
    }

    /** The plan without the fallbacks: NOT_DISTRIBUTED_YET names what pushdown cannot handle (for tests). */
    DistributedPlan planWithoutFallback(String sql) {
        Attempt<DistributedPlan> plan = select(binder.bind(sql), wholeStatement);
        if (!plan.succeeded()) {
            throw plan.refusal().toError();
        }
        return plan.value();
    }

    /** A sub-query, given as SQL text, planned as a whole on its own; refused when it does not bind alone. */
    private Attempt<DistributedPlan> planAlone(String sql) {
        Optional<Statement> statement = binder.bindAlone(sql);
        if (statement.isEmpty()) {
            return Attempt.refused(Refusal.because("sub-queries that refer to their enclosing query", null));
        }
        return select(statement.get(), wholeStatement);
    }

    /**
     * Asks each strategy that applies to the statement, in order, and returns the first plan; else the first refusal
     * (the statement's reason). A final refusal (a table outside the catalog) ends the search at once.
     */
    private static Attempt<DistributedPlan> select(Statement statement, List<DistributionStrategy> strategies) {
        for (DistributionStrategy strategy : strategies) {
            if (!strategy.appliesTo(statement)) {
                continue;
            }
            Attempt<DistributedPlan> attempt = strategy.plan(statement);
            if (attempt.succeeded() || attempt.refusal().isFinal()) {
                return attempt;
            }
            statement.refused(attempt.refusal());
        }
        return Attempt.refused(statement.refusal().orElseThrow(
                () -> new IllegalStateException("no strategy applies to " + statement.sql())));
    }
}
