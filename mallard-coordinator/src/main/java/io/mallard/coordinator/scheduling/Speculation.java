package io.mallard.coordinator.scheduling;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Speculative execution: a task that runs far longer than its finished siblings (a slow device, a task whose worker
 * lost it without telling) gets a duplicate on another holder of its shard; the first attempt to answer wins and the
 * other is cancelled ({@link ResultReceiver}). Looked at a few times a second; a task is duplicated once at most.
 */
final class Speculation implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Speculation.class);

    /**
     * When a task counts as a straggler.
     *
     * @param multiplier its attempt ran longer than this many times the median time of the stream's finished tasks
     *                   (once at least half of them finished); 0 turns speculation off
     * @param minMillis  and longer than this
     */
    record Policy(double multiplier, long minMillis) {
        static final Policy OFF = new Policy(0, 0);

        boolean enabled() {
            return multiplier > 0;
        }
    }

    private final Policy policy;
    private final Retries retries;
    private final ScheduledExecutorService timer;

    Speculation(Policy policy, Retries retries, Supplier<Collection<DistributedQuery>> running) {
        this.policy = policy;
        this.retries = retries;
        if (!policy.enabled()) {
            this.timer = null;
            return;
        }
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "mallard-speculation");
            t.setDaemon(true);
            return t;
        });
        long period = Math.max(20, Math.min(250, policy.minMillis() / 4));
        timer.scheduleWithFixedDelay(() -> {
            try {
                long now = System.nanoTime();
                running.get().forEach(query -> check(query, now));
            } catch (RuntimeException e) {
                LOG.error("looking for stragglers failed", e); // the next round looks again
            }
        }, period, period, TimeUnit.MILLISECONDS);
    }

    /** Duplicates the query's stragglers; returns how many got a duplicate. */
    int check(DistributedQuery query, long nowNanos) {
        if (!policy.enabled() || query.failure() != null) {
            return 0;
        }
        int launched = 0;
        for (List<ShardSlot> stream : query.slotsByStream()) {
            List<Long> finished = new ArrayList<>();
            for (ShardSlot slot : stream) {
                TaskAttempt answered = slot.done() ? slot.current() : null;
                if (answered != null) {
                    finished.add(answered.elapsedNanos(nowNanos));
                }
            }
            if (finished.isEmpty() || finished.size() * 2 < stream.size() || finished.size() == stream.size()) {
                continue;
            }
            long limit = Math.max(TimeUnit.MILLISECONDS.toNanos(policy.minMillis()),
                    (long) (policy.multiplier() * median(finished)));
            for (ShardSlot slot : stream) {
                List<TaskAttempt> running = slot.runningAttempts();
                if (slot.done() || running.size() != 1 || slot.hasDuplicate()
                        || running.get(0).elapsedNanos(nowNanos) <= limit) {
                    continue;
                }
                LOG.info("query {} shard {}: attempt {} runs for {} ms, its siblings' median is {} ms: duplicating it",
                        query.id, slot.shardId, running.get(0).number,
                        TimeUnit.NANOSECONDS.toMillis(running.get(0).elapsedNanos(nowNanos)),
                        TimeUnit.NANOSECONDS.toMillis(median(finished)));
                if (retries.launch(query, slot, true)) {
                    launched++;
                }
            }
        }
        return launched;
    }

    private static long median(List<Long> values) {
        List<Long> sorted = values.stream().sorted().toList();
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    @Override
    public void close() {
        if (timer != null) {
            timer.shutdownNow();
        }
    }
}
