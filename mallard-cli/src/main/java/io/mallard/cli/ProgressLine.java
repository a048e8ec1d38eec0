package io.mallard.cli;

import io.mallard.client.Progress;
import java.io.PrintWriter;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * A one-line progress report for a query that runs longer than a second: tasks done out of all (one per shard), rows
 * the workers shipped and time elapsed, rewritten in place on the terminal and erased when the query ends.
 */
final class ProgressLine implements AutoCloseable {
    static final long DELAY_MILLIS = 1_000;
    private static final long PERIOD_MILLIS = 250;

    private final PrintWriter out;
    private final Supplier<Optional<Progress>> progress;
    private final ScheduledExecutorService timer;
    private final long started = System.nanoTime();
    private int shownWidth;

    private ProgressLine(PrintWriter out, Supplier<Optional<Progress>> progress) {
        this.out = out;
        this.progress = progress;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "mallard-progress");
            thread.setDaemon(true);
            return thread;
        });
    }

    /** Starts reporting after {@link #DELAY_MILLIS}; closing stops and erases the line. */
    static ProgressLine start(PrintWriter out, Supplier<Optional<Progress>> progress) {
        ProgressLine line = new ProgressLine(out, progress);
        line.timer.scheduleWithFixedDelay(line::refresh, DELAY_MILLIS, PERIOD_MILLIS, TimeUnit.MILLISECONDS);
        return line;
    }

    private void refresh() {
        try {
            String text = render(progress.get(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
            synchronized (this) {
                if (timer.isShutdown()) {
                    return;
                }
                out.print("\r" + text + " ".repeat(Math.max(0, shownWidth - text.length())));
                out.flush();
                shownWidth = text.length();
            }
        } catch (RuntimeException e) {
            // progress is a courtesy: a failed look must not disturb the query
        }
    }

    /**
     * "shards 3/8 · 1,234,567 rows · 2.4 s" (shards as tasks: one per shard and stream); once every shard is done, the
     * coordinator's own part: "shards 8/8 done · combining 1,234,567 rows on the coordinator · 2.4 s".
     */
    static String render(Optional<Progress> progress, long elapsedMillis) {
        String time = String.format("%.1f s", elapsedMillis / 1000.0);
        if (progress.isEmpty() || progress.get().tasks() == 0) {
            return "running · " + time;
        }
        Progress p = progress.get();
        if (p.tasksDone() >= p.tasks()) {
            return String.format("shards %d/%d done · combining %,d rows on the coordinator · %s", p.tasksDone(), p.tasks(),
                    p.rowsShipped(), time);
        }
        return String.format("shards %d/%d · %,d rows · %s", p.tasksDone(), p.tasks(), p.rowsShipped(), time);
    }

    @Override
    public void close() {
        synchronized (this) {
            timer.shutdownNow();
            if (shownWidth > 0) {
                out.print("\r" + " ".repeat(shownWidth) + "\r");
                out.flush();
            }
        }
    }
}
