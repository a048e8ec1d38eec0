package io.mallard.bench.faults;

import io.mallard.client.MallardSqlClient;
import io.mallard.common.ErrorCode;
import io.mallard.common.MallardException;
import io.mallard.common.rows.QueryRows;
import io.mallard.data.queries.DemoQueries;
import io.mallard.data.table.DataFile;
import io.mallard.data.table.Snapshot;
import io.mallard.oracle.Oracle;
import java.io.IOException;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

/**
 * Fault-injection trials against real processes ({@link FaultCluster}): one family of faults per cluster, injected into
 * one victim worker at a chosen moment of four concurrent queries, one per distributed strategy, whose answers are then
 * judged against the oracle. Used by the fault-injection tests and by {@code mallard bench faults}.
 *
 * <p>The cluster: a healthy worker, a slow one (each task waits {@link #SLOW_TASK_MILLIS}, so that queries still run
 * after the victim's part of them ended), and the victim, whose task delay and upload pause are set per trial. Lease
 * 3 s, suspicion 1 s, speculation off (it would hide the faults).
 */
public final class FaultTrials implements AutoCloseable {
    /** A kind of fault. */
    public enum Family {
        KILL("kill -9"), FREEZE("SIGSTOP, then SIGCONT"), CUT("network cut (veth link down)");

        private final String description;

        Family(String description) {
            this.description = description;
        }

        public String description() {
            return description;
        }
    }

    /** When the fault lands. */
    public enum Moment {
        /** The victim holds tasks of every query and has not started any. */
        TASK_START,
        /** The victim has sent part of a task's answer. */
        MID_UPLOAD,
        /** The victim's answers were all taken; the queries still wait for another worker and combine. */
        COMBINE
    }

    /** How a query came out. */
    public enum Outcome {
        CORRECT, CLEAR_ERROR, UNCLEAR_ERROR, WRONG, HUNG;

        public boolean acceptable(int replicas) {
            return this == CORRECT || this == CLEAR_ERROR && replicas < 2;
        }
    }

    /** One query of a trial. */
    public record Query(String name, String strategy, String sql) {
    }

    /** The four queries of every trial, one per distributed strategy. */
    public static final List<Query> QUERIES = List.of(
            new Query("q1", "PUSHDOWN_AGG", DemoQueries.Q1.sql()),
            new Query("q3", "SHARD_LOCAL", DemoQueries.Q3.sql()),
            new Query("scan", "PUSHDOWN_SCAN",
                    "SELECT l_orderkey, l_linenumber, l_partkey, l_comment FROM lineitem WHERE l_discount >= 0.05"),
            new Query("median", "GATHER",
                    "SELECT l_returnflag, median(l_extendedprice) AS m, count(*) AS n FROM lineitem GROUP BY 1 ORDER BY 1"));

    /**
     * One query's fate in one trial.
     *
     * @param victimInvolved   whether the victim ran a task of it when the fault landed
     * @param millis           from the query's start to its answer or error
     * @param afterFaultMillis from the fault to the query's answer or error
     */
    public record Trial(Family family, Moment moment, int replicas, Query query, Outcome outcome, boolean victimInvolved,
            long millis, long afterFaultMillis, String detail) {
    }

    /** One injection: its trials and, for a silent fault, how long the coordinator took to suspect the victim. */
    public record Injection(List<Trial> trials, long detectionMillis) {
    }

    /** What is left once the cluster settled after a trial; all zero when nothing leaked. */
    public record Leftovers(long runningQueries, long runningTasks, long arrowBytes, long spillFiles) {
        public boolean none() {
            return runningQueries == 0 && runningTasks == 0 && arrowBytes == 0 && spillFiles == 0;
        }
    }

    /** Each task of the slow worker waits this long. */
    public static final long SLOW_TASK_MILLIS = 800;
    /**
     * For the combine, the slow worker's tasks wait this long instead, until the fault landed: the moment then lasts
     * whatever the victim's own tasks take on a loaded machine, and ends when the fault is in.
     */
    static final long SLOW_HOLD_MILLIS = 15_000;
    /** The victim's wait or pause at the moment of the fault: long enough to land the fault inside it. */
    static final long VICTIM_HOLD_MILLIS = 4_000;
    /**
     * Rounds of four queries at most until the victim reaches the moment: a round whose tasks all went to the other
     * workers (the least busy holder of a shard takes its task) is run again.
     */
    static final int ROUNDS = 10;
    /** Only a hang takes this long. */
    static final long HANG_SECONDS = 60;

    private final NetworkNamespace namespace;
    private final FaultCluster cluster;
    private final Oracle oracle;
    private final int victim;
    private int replicas;

    private FaultTrials(NetworkNamespace namespace, FaultCluster cluster, int replicas) throws SQLException {
        this.namespace = namespace;
        this.cluster = cluster;
        this.replicas = replicas;
        this.oracle = new Oracle(cluster.oracleFile());
        this.victim = 2;
    }

    /**
     * A cluster for the fault families, with replication factor {@code replicas}. The victim runs in a network namespace
     * when {@code withNetworkCut} (root only: see {@link NetworkNamespace#unavailableBecause()}), so that every family,
     * the cut included, can be injected into it.
     */
    public static FaultTrials start(int replicas, boolean withNetworkCut) throws IOException, SQLException {
        return start(replicas, withNetworkCut, null);
    }

    /** As {@link #start(int, boolean)}, keeping the generated data under {@code cacheDir} (null: the tests' cache). */
    public static FaultTrials start(int replicas, boolean withNetworkCut, java.nio.file.Path cacheDir)
            throws IOException, SQLException {
        NetworkNamespace namespace = withNetworkCut ? NetworkNamespace.create() : null;
        FaultCluster cluster = null;
        try {
            // a lease well beyond the suspicion limit and a short fault: a frozen or cut-off worker is worked around
            // by suspicion, and back in rotation without losing its registration
            FaultCluster.Builder builder = FaultCluster.builder().workers(1).shards(4).replicas(replicas).leaseMillis(5_000)
                    .suspectMillis(1_000);
            if (cacheDir != null) {
                builder.cacheDir(cacheDir);
            }
            if (namespace != null) {
                builder.listenOn("0.0.0.0", namespace.hostAddress());
            }
            cluster = builder.build();
            cluster.addWorker(SLOW_TASK_MILLIS, 0);
            cluster.addWorker(0, 0, namespace);
            cluster.awaitServed(3, 120_000);
            FaultTrials trials = new FaultTrials(namespace, cluster, replicas);
            trials.ensureVictimHoldsShards();
            if (Boolean.getBoolean("mallard.test.traceFaults")) {
                cluster.workers().forEach(w -> System.out.println("FAULT-TRACE worker " + w));
            }
            return trials;
        } catch (IOException | SQLException | RuntimeException e) {
            if (cluster != null) {
                cluster.close();
            }
            if (namespace != null) {
                namespace.close();
            }
            throw e;
        }
    }

    /** Restarts the coordinator with another replication factor; the workers come back by themselves. */
    public void useReplicas(int r) throws IOException {
        cluster.restartCoordinator(r);
        replicas = r;
        cluster.awaitServed(3, 120_000);
        ensureVictimHoldsShards();
    }

    public FaultCluster cluster() {
        return cluster;
    }

    /**
     * Injects a fault of {@code family} at {@code moment} into four concurrent queries, judges them, and recovers. When
     * the queries all end before the moment came (the victim got no task of them), they run again, up to {@link #ROUNDS}
     * rounds in all.
     */
    public Injection run(Family family, Moment moment) throws Exception {
        if (family == Family.CUT && namespace == null) {
            throw new IllegalStateException("the victim does not run in a network namespace");
        }
        cluster.setFaultHooks(victim, moment == Moment.TASK_START ? VICTIM_HOLD_MILLIS : 0,
                moment == Moment.MID_UPLOAD ? VICTIM_HOLD_MILLIS : 0);
        try {
            return rounds(family, moment);
        } finally {
            releaseSlowWorker();
        }
    }

    private Injection rounds(Family family, Moment moment) throws Exception {
        int victimRan = 0;
        for (int round = 1; ; round++) {
            if (moment == Moment.COMBINE) {
                cluster.setFaultHooks(slowWorker(), SLOW_HOLD_MILLIS, 0);
            }
            boolean[] ran = new boolean[1];
            Injection injection = attempt(family, moment, ran);
            if (injection != null) {
                return injection;
            }
            if (ran[0]) {
                victimRan++;
            }
            System.out.println("FAULT-ROUND " + family + " " + moment + " R=" + replicas + ": round " + round + " ended before "
                    + "the moment came (the victim " + (ran[0] ? "ran a" : "was seen running no") + " task of its queries; "
                    + "workers " + cluster.workers() + ")");
            if (round == ROUNDS) {
                throw new AssertionError("the moment " + moment + " never came on the victim in " + ROUNDS + " rounds (in "
                        + victimRan + " of them it was seen running a task)");
            }
        }
    }

    /**
     * One round: the injection, or null when the queries ended before the moment came; {@code victimRan[0]} tells whether
     * the victim was seen running a task of them.
     */
    private Injection attempt(Family family, Moment moment, boolean[] victimRan) throws Exception {
        List<MallardSqlClient> clients = new ArrayList<>();
        List<CompletableFuture<QueryRows>> running = new ArrayList<>();
        List<Long> started = new ArrayList<>();
        long detection = -1;
        try (MallardSqlClient observer = cluster.client()) {
            String victimId = victimId(observer);
            for (Query query : QUERIES) {
                MallardSqlClient client = cluster.client();
                clients.add(client);
                started.add(System.nanoTime());
                running.add(CompletableFuture.supplyAsync(() -> client.query(query.sql())));
            }
            List<Object[]> tasks = new ArrayList<>();
            boolean[] came = new boolean[1];
            cluster.await("the moment " + moment + " on the victim", 30_000, () -> {
                tasks.clear();
                tasks.addAll(runningTasks(observer));
                came[0] = reached(moment, tasks, victimId);
                victimRan[0] |= tasks.stream().anyMatch(t -> victimId.equals(t[1]));
                return came[0] || running.stream().allMatch(CompletableFuture::isDone);
            });
            if (!came[0]) {
                System.out.println("FAULT-ROUND the queries ended: " + running.stream().map(FaultTrials::ending).toList());
                return null;
            }
            // the queries a task of the victim was part of when the fault landed (still running, or for the combine,
            // finished and taken)
            Set<String> involved = tasks.stream().filter(t -> victimId.equals(t[1])).map(t -> (String) t[0])
                    .collect(Collectors.toSet());
            long injected = System.nanoTime();
            trace(family, "moment reached after " + (injected - started.get(0)) / 1_000_000 + " ms");
            inject(family);
            releaseSlowWorker();
            if (family != Family.KILL) {
                cluster.await("the victim to be suspected", 30_000, () -> {
                    String state = state(observer, victimId);
                    return state.equals("suspected") || state.equals("gone");
                });
                detection = (System.nanoTime() - injected) / 1_000_000;
            }
            List<Trial> trials = new ArrayList<>();
            for (int i = 0; i < QUERIES.size(); i++) {
                trials.add(judge(family, moment, QUERIES.get(i), running.get(i), started.get(i), injected,
                        involved.contains(QUERIES.get(i).sql())));
            }
            trace(family, "judged after " + (System.nanoTime() - injected) / 1_000_000 + " ms");
            recover(family);
            trace(family, "recovered after " + (System.nanoTime() - injected) / 1_000_000 + " ms");
            return new Injection(trials, detection);
        } finally {
            running.forEach(f -> f.cancel(true));
            clients.forEach(MallardSqlClient::close);
        }
    }

    /** How a query that ended before the moment came ended: answered, or its error. */
    private static String ending(CompletableFuture<QueryRows> query) {
        try {
            return query.getNow(null) == null ? "running" : "answered";
        } catch (java.util.concurrent.CompletionException | java.util.concurrent.CancellationException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            return String.valueOf(cause instanceof MallardException m ? m.code() + ": " + m.getMessage() : cause);
        }
    }

    /** The slow worker's tasks wait {@link #SLOW_TASK_MILLIS} again; those held for the combine go on at once. */
    private void releaseSlowWorker() throws IOException {
        cluster.setFaultHooks(slowWorker(), SLOW_TASK_MILLIS, 0);
    }

    /** What is left once the cluster settled: waits up to {@code timeoutMillis} for everything to reach zero. */
    public Leftovers leftovers(long timeoutMillis) {
        Leftovers[] last = new Leftovers[1];
        try {
            cluster.await("running queries, tasks, Arrow memory and spill files to reach zero", timeoutMillis, () -> {
                try (MallardSqlClient observer = cluster.client()) {
                    List<Object> c = observer.query("SELECT running_queries + queued_queries, arrow_bytes, spill_files "
                            + "FROM mallard.coordinator").rows().get(0);
                    Number tasks = (Number) observer.query("SELECT coalesce(sum(running_tasks), 0) FROM mallard.workers "
                            + "WHERE state <> 'gone'").rows().get(0).get(0);
                    last[0] = new Leftovers(((Number) c.get(0)).longValue(), tasks.longValue(),
                            ((Number) c.get(1)).longValue(), ((Number) c.get(2)).longValue());
                    return last[0].none();
                } catch (MallardException e) {
                    return false;
                }
            });
        } catch (AssertionError e) {
            // reported by the caller through the figures
        }
        return last[0];
    }

    /**
     * Whether the moment came: for the first two, a task of the victim is in that state; for the combine, the victim has
     * finished every task it ran of some query that still runs (waiting for the slow worker, whose tasks are held until
     * the fault is in).
     */
    private boolean reached(Moment moment, List<Object[]> tasks, String victimId) {
        List<Object[]> onVictim = tasks.stream().filter(t -> victimId.equals(t[1])).toList();
        if (onVictim.isEmpty()) {
            return false;
        }
        return switch (moment) {
            case TASK_START -> onVictim.stream().anyMatch(t -> t[2].equals("running") && ((Number) t[3]).longValue() == 0);
            case MID_UPLOAD -> onVictim.stream().anyMatch(t -> t[2].equals("running") && ((Number) t[3]).longValue() > 0);
            // one query at least: the victim finished its tasks of it, which still waits for another worker's (a
            // query whose answer from the victim is large may keep it uploading until the combine reads it)
            case COMBINE -> onVictim.stream().map(t -> t[0]).distinct().anyMatch(query ->
                    onVictim.stream().filter(t -> t[0].equals(query)).noneMatch(t -> t[2].equals("running"))
                            && tasks.stream().anyMatch(t -> t[0].equals(query) && t[2].equals("running")));
        };
    }

    private void inject(Family family) {
        switch (family) {
            case KILL -> cluster.killWorker(victim);
            case FREEZE -> cluster.freezeWorker(victim);
            case CUT -> namespace.cut();
            default -> throw new IllegalStateException(family.name());
        }
    }

    private void recover(Family family) throws IOException {
        cluster.setFaultHooks(victim, 0, 0);
        switch (family) {
            case KILL -> cluster.restartWorker(victim);
            case FREEZE -> cluster.thawWorker(victim);
            case CUT -> namespace.restore();
            default -> throw new IllegalStateException(family.name());
        }
        cluster.awaitServed(3, 120_000);
        ensureVictimHoldsShards();
    }

    /**
     * The victim and the slow worker each hold shards (a new identity moves the placement, so either may lose them when
     * the other gets one): without the slow worker's tasks no query outlasts the victim's part, and the combine moment
     * would come only by chance.
     */
    private void ensureVictimHoldsShards() throws IOException {
        for (int i = 0; i < 4; i++) {
            cluster.ensureHoldsShards(victim, 3);
            cluster.ensureHoldsShards(slowWorker(), 3);
            if (cluster.holdsShards(victim)) {
                return;
            }
        }
        throw new IllegalStateException("the victim and the slow worker do not both hold shards after four tries");
    }

    /** The victim's index in the cluster (its fault hooks, its data directory). */
    public int victim() {
        return victim;
    }

    /** The slow worker's index (each of its tasks waits {@link #SLOW_TASK_MILLIS}). */
    public int slowWorker() {
        return victim - 1;
    }

    /**
     * Kills the victim, overwrites 4 KiB in the middle of every shard file it keeps (same size, other bytes), starts it
     * again and waits until the cluster is served. Returns the files of the shards it holds then, each of which it must
     * have downloaded again.
     */
    public List<DataFile> restartVictimWithDamagedFiles() throws IOException {
        String before = newestSession().map(FaultCluster.WorkerRow::id).orElse("");
        cluster.killWorker(victim);
        try (java.util.stream.Stream<java.nio.file.Path> files = java.nio.file.Files.list(cluster.workerDataDir(victim))) {
            for (java.nio.file.Path file : files.filter(f -> f.getFileName().toString().matches("[0-9a-f]{8,64}\\.duckdb"))
                    .toList()) {
                try (java.nio.channels.FileChannel channel = java.nio.channels.FileChannel.open(file,
                        java.nio.file.StandardOpenOption.WRITE)) {
                    java.nio.ByteBuffer junk = java.nio.ByteBuffer.allocate(4096);
                    for (int i = 0; i < junk.capacity(); i++) {
                        junk.put((byte) (i * 31 + 7));
                    }
                    channel.write(junk.flip(), channel.size() / 2);
                }
            }
        }
        cluster.restartWorker(victim);
        // the killed process's session may still count as trusted for a moment: wait for the new one's own proofs
        cluster.await("the restarted victim's new session to be trusted with shards", 120_000,
                () -> newestSession().filter(w -> !w.id().equals(before) && w.state().equals("trusted")
                        && !w.trusted().isEmpty()).isPresent());
        cluster.awaitServed(3, 120_000);
        ensureVictimHoldsShards();
        List<String> held = newestSession().map(FaultCluster.WorkerRow::trusted).orElse(List.of());
        Snapshot snapshot = cluster.snapshot();
        return held.stream().flatMap(shard -> snapshot.filesOfShard(Snapshot.shardNumber(shard)).stream()).distinct()
                .toList();
    }

    /** The victim's latest session as the coordinator sees it (session ids grow: w9 before w10). */
    private Optional<FaultCluster.WorkerRow> newestSession() {
        return cluster.workers().stream().filter(w -> w.name().equals(cluster.workerName(victim)))
                .max(java.util.Comparator.comparingInt((FaultCluster.WorkerRow w) -> w.id().length())
                        .thenComparing(FaultCluster.WorkerRow::id));
    }

    /** Whether the victim runs in a network namespace (the CUT family can run). */
    public boolean canCut() {
        return namespace != null;
    }

    private Trial judge(Family family, Moment moment, Query query, CompletableFuture<QueryRows> answer, long startNanos,
            long faultNanos, boolean involved) {
        try {
            QueryRows rows = answer.get(HANG_SECONDS, TimeUnit.SECONDS);
            long end = System.nanoTime();
            Optional<String> difference = oracle.difference(query.sql(), rows);
            return trial(family, moment, query, difference.isEmpty() ? Outcome.CORRECT : Outcome.WRONG, involved,
                    startNanos, faultNanos, end, difference.orElse(""));
        } catch (TimeoutException e) {
            return trial(family, moment, query, Outcome.HUNG, involved, startNanos, faultNanos, System.nanoTime(),
                    "no answer after " + HANG_SECONDS + " s");
        } catch (ExecutionException e) {
            long end = System.nanoTime();
            if (e.getCause() instanceof MallardException m) {
                return trial(family, moment, query, clear(m) ? Outcome.CLEAR_ERROR : Outcome.UNCLEAR_ERROR, involved,
                        startNanos, faultNanos, end, m.code() + ": " + m.getMessage());
            }
            return trial(family, moment, query, Outcome.UNCLEAR_ERROR, involved, startNanos, faultNanos, end,
                    e.getCause().toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (SQLException e) {
            throw new IllegalStateException("the oracle failed", e);
        }
    }

    private Trial trial(Family family, Moment moment, Query query, Outcome outcome, boolean involved, long startNanos,
            long faultNanos, long endNanos, String detail) {
        return new Trial(family, moment, replicas, query, outcome, involved, (endNanos - startNanos) / 1_000_000,
                Math.max(0, endNanos - faultNanos) / 1_000_000, detail);
    }

    /** A clear error: a worker's failure that names the shard it cost. */
    static boolean clear(MallardException e) {
        return (e.code() == ErrorCode.WORKER_FAILED || e.code() == ErrorCode.NO_WORKER_FOR_SHARD)
                && e.getMessage().matches("(?s).*\\bshard-\\d+.*");
    }

    /** (query sql, worker id, state, rows) of every task of the queries running now. */
    private static List<Object[]> runningTasks(MallardSqlClient observer) {
        return observer.query("SELECT q.sql, t.worker_id, t.state, t.rows FROM mallard.tasks t JOIN mallard.queries q "
                + "USING (query_id) WHERE q.status = 'running'").rows().stream().map(List::toArray).toList();
    }

    private String victimId(MallardSqlClient observer) {
        return observer.query("SELECT worker_id FROM mallard.workers WHERE name = '" + cluster.workerName(victim)
                + "' AND state <> 'gone' ORDER BY length(worker_id) DESC, worker_id DESC").rows().stream().findFirst()
                .map(r -> (String) r.get(0)).orElseThrow(() -> new IllegalStateException("the victim is not registered"));
    }

    private static String state(MallardSqlClient observer, String workerId) {
        return observer.query("SELECT state FROM mallard.workers WHERE worker_id = '" + workerId + "'").rows().stream()
                .findFirst().map(r -> (String) r.get(0)).orElse("gone");
    }

    private void trace(Family family, String what) {
        if (Boolean.getBoolean("mallard.test.traceFaults")) {
            System.out.println("FAULT-TRACE " + family + " R=" + replicas + ": " + what);
        }
    }

    /** A line per trial, for reports. */
    public static String describe(Trial t) {
        return String.format(Locale.ROOT, "%-7s %-11s R=%d %-14s %-13s %s%s", t.family(), t.moment(), t.replicas(),
                t.query().strategy(), t.outcome(), t.victimInvolved() ? "" : "(victim not involved) ",
                t.outcome() == Outcome.CORRECT ? t.millis() + " ms" : t.detail());
    }

    @Override
    public void close() throws Exception {
        try (Oracle o = oracle) {
            cluster.close();
        } finally {
            if (namespace != null) {
                namespace.close();
            }
        }
    }
}
