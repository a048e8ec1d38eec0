package io.mallard.coordinator.web;

import com.sun.net.httpserver.HttpExchange;
import io.mallard.coordinator.cluster.TrustTotals;
import io.mallard.coordinator.combine.SpillArea;
import io.mallard.coordinator.scheduling.SchedulerTotals;
import io.mallard.coordinator.system.QueryRecord;
import io.mallard.protocol.Messages;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.apache.arrow.memory.BufferAllocator;

/**
 * The coordinator's Prometheus metrics ({@code /metrics}), one registry per coordinator. Statements are counted as the
 * query history records them; everything else is read from the parts that count it ({@link SchedulerTotals},
 * {@link TrustTotals}, the allocator, the spill area, the worker registry) when Prometheus scrapes. What the coordinator
 * knows of its workers (CPUs and memory from their registration, tasks running on them) is summed over the live ones:
 * workers dial out, so the coordinator is where their figures are scraped.
 */
public final class CoordinatorMetrics implements AutoCloseable {
    /** Latency buckets from 5 ms to 10 min: interactive queries and long scans both land in a useful bucket. */
    private static final Duration MIN_LATENCY = Duration.ofMillis(5);
    private static final Duration MAX_LATENCY = Duration.ofMinutes(10);

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final JvmGcMetrics gc = new JvmGcMetrics();
    private final AtomicReference<Messages.ClusterStatus> cluster = new AtomicReference<>(
            new Messages.ClusterStatus(List.of(), List.of()));
    private Supplier<Messages.ClusterStatus> clusterSource = cluster::get;
    private final MultiGauge workersByState;
    /** Micrometer holds the objects its gauges and function counters read only weakly: they are held here. */
    private final List<Object> sources = new java.util.concurrent.CopyOnWriteArrayList<>();

    public CoordinatorMetrics() {
        new JvmMemoryMetrics().bindTo(registry);
        gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        workersByState = MultiGauge.builder("mallard.workers").description("Workers by state, as mallard.workers shows them")
                .register(registry);
    }

    /** The Micrometer registry, for meters of other parts (the web page). */
    public PrometheusMeterRegistry registry() {
        return registry;
    }

    /**
     * Counts a statement as the history records it (before its client hears the end): by strategy and outcome, with
     * its latency, its tasks and what its workers shipped.
     */
    public void statementRecorded(QueryRecord record) {
        String strategy = record.stats() == null || record.stats().strategy().isEmpty() ? "UNPLANNED"
                : record.stats().strategy();
        Counter.builder("mallard.queries").description("Statements that ended, by strategy and outcome")
                .tags("strategy", strategy, "outcome", record.status()).register(registry).increment();
        Timer.builder("mallard.query.duration").description("Statement latency, from arrival to the last row sent")
                .tags("strategy", strategy, "outcome", record.status())
                .publishPercentileHistogram().minimumExpectedValue(MIN_LATENCY).maximumExpectedValue(MAX_LATENCY)
                .register(registry).record(Duration.ofMillis(record.durationMillis()));
        if (record.stats() != null && !record.stats().tasks().isEmpty()) {
            Counter.builder("mallard.tasks").description("Tasks of distributed statements (one per shard and stream)")
                    .tag("strategy", strategy).register(registry).increment(record.stats().tasks().size());
            Counter.builder("mallard.shipped.rows").description("Rows the workers shipped (accepted attempts)")
                    .register(registry).increment(record.stats().rowsShipped());
            Counter.builder("mallard.shipped.bytes").description("Arrow bytes the workers shipped (accepted attempts)")
                    .register(registry).increment(record.stats().bytesShipped());
        }
    }

    /** Retried and duplicated task attempts. */
    public CoordinatorMetrics bindScheduler(SchedulerTotals totals) {
        counter("mallard.task.retries", "Task attempts started after a worker failed one", totals::retries);
        counter("mallard.task.duplicates", "Task attempts started beside a running one (speculation, suspected "
                + "workers)", totals::duplicates);
        return this;
    }

    /** Files verified on workers, proofs of possession, refused joins. */
    public CoordinatorMetrics bindTrust(TrustTotals totals) {
        sources.add(totals);
        counter("mallard.shard.files.verified", "Table files workers downloaded and verified", totals::filesVerified);
        counter("mallard.shard.files.rejected", "Table files whose hash did not match on a worker", totals::filesRejected);
        FunctionCounter.builder("mallard.shard.proofs", totals, TrustTotals::proofsAccepted)
                .description("Proofs of possession, by outcome").tag("outcome", "accepted").register(registry);
        FunctionCounter.builder("mallard.shard.proofs", totals, TrustTotals::proofsFailed)
                .description("Proofs of possession, by outcome").tag("outcome", "failed").register(registry);
        counter("mallard.security.joins.refused", "Worker registrations refused for a wrong join token",
                totals::joinsRefused);
        return this;
    }

    /** The embedded shard store's downloads (absent with an S3 store: workers download from S3). */
    public CoordinatorMetrics bindShardDownloads(LongSupplier files, LongSupplier bytes, LongSupplier refused) {
        counter("mallard.shard.downloads", "Table files served to workers by the embedded store", files);
        counter("mallard.shard.downloads.bytes", "Bytes served to workers by the embedded store", bytes);
        counter("mallard.shard.downloads.refused", "Downloads refused for a bad or expired signature", refused);
        return this;
    }

    /** Logins and bearer tokens refused. */
    public CoordinatorMetrics bindLogins(LongSupplier failed) {
        counter("mallard.security.logins.failed", "Logins and bearer tokens refused", failed);
        return this;
    }

    /** Arrow memory for query data, spilling, running and queued queries. */
    public CoordinatorMetrics bindMemory(BufferAllocator allocator, SpillArea spill, IntSupplier running,
            IntSupplier queued) {
        sources.addAll(List.of(allocator, spill, running, queued));
        Gauge.builder("mallard.arrow.allocated", allocator, BufferAllocator::getAllocatedMemory).baseUnit("bytes")
                .description("Arrow memory held for query data now").register(registry);
        Gauge.builder("mallard.arrow.peak", allocator, BufferAllocator::getPeakMemoryAllocation).baseUnit("bytes")
                .description("Most Arrow memory held for query data at once").register(registry);
        Gauge.builder("mallard.arrow.limit", allocator, BufferAllocator::getLimit).baseUnit("bytes")
                .description("The memory budget for query data (--memory-bytes)").register(registry);
        Gauge.builder("mallard.spill.files", spill, SpillArea::openFiles)
                .description("Spill files of received batches that exist now").register(registry);
        FunctionCounter.builder("mallard.spill.written", spill, SpillArea::spilledBytes).baseUnit("bytes")
                .description("Bytes of received batches written to spill files").register(registry);
        Gauge.builder("mallard.queries.running", running, IntSupplier::getAsInt)
                .description("Distributed and local queries running now").register(registry);
        Gauge.builder("mallard.queries.queued", queued, IntSupplier::getAsInt)
                .description("Queries waiting for their turn (--max-running-queries)").register(registry);
        return this;
    }

    /** Workers by state, shards, and the live workers' CPUs, memory and running tasks; read once per scrape. */
    public CoordinatorMetrics bindCluster(Supplier<Messages.ClusterStatus> source) {
        clusterSource = source;
        Gauge.builder("mallard.shards", cluster, c -> c.get().shards().size())
                .description("Shards of the current version").register(registry);
        Gauge.builder("mallard.shards.served", cluster,
                c -> c.get().shards().stream().filter(s -> !s.trustedOn().isEmpty()).count())
                .description("Shards with at least one trusted holder").register(registry);
        Gauge.builder("mallard.workers.cpus", cluster, c -> live(c.get()).mapToLong(Messages.WorkerView::cpus).sum())
                .description("CPUs of the live workers, as they reported them when they registered").register(registry);
        Gauge.builder("mallard.workers.memory", cluster,
                c -> live(c.get()).mapToLong(Messages.WorkerView::memoryBytes).sum()).baseUnit("bytes")
                .description("Memory of the live workers, as they reported it when they registered").register(registry);
        Gauge.builder("mallard.workers.running.tasks", cluster,
                c -> live(c.get()).mapToLong(Messages.WorkerView::runningTasks).sum())
                .description("Tasks running on the live workers").register(registry);
        return this;
    }

    private static java.util.stream.Stream<Messages.WorkerView> live(Messages.ClusterStatus status) {
        return status.workers().stream().filter(w -> !w.state().equals("gone"));
    }

    private void counter(String name, String description, LongSupplier value) {
        sources.add(value);
        FunctionCounter.builder(name, value, LongSupplier::getAsLong).description(description).register(registry);
    }

    /** Reads the cluster's state once for this scrape and renders every meter in Prometheus' text format. */
    public String scrape() {
        Messages.ClusterStatus status = clusterSource.get();
        cluster.set(status);
        Map<String, Long> byState = status.workers().stream()
                .collect(Collectors.groupingBy(Messages.WorkerView::state, TreeMap::new, Collectors.counting()));
        workersByState.register(byState.entrySet().stream()
                .map(e -> MultiGauge.Row.of(Tags.of("state", e.getKey()), e.getValue())).toList(), true);
        return registry.scrape();
    }

    /** Serves {@code /metrics}. */
    public void addTo(WebRouter router) {
        router.route("/metrics", this::serve);
    }

    private void serve(HttpExchange exchange) throws IOException {
        if (Responses.readOnly(exchange)) {
            Responses.send(exchange, 200, "text/plain; version=0.0.4; charset=utf-8",
                    scrape().getBytes(StandardCharsets.UTF_8));
        }
    }

    @Override
    public void close() {
        gc.close();
        registry.close();
    }
}
