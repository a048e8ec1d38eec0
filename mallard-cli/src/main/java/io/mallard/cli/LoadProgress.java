package io.mallard.cli;

import io.mallard.cli.load.LoadCounters;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * {@code mallard load}'s progress on a terminal, one line rewritten in place: a bar when the files say how many rows
 * they hold (Parquet), the file being read, rows and megabytes sent, the rate and the time; erased when the load ends.
 * Off a terminal nothing is shown but the summary.
 */
final class LoadProgress implements AutoCloseable {
    private static final long PERIOD_MILLIS = 250;
    private static final int BAR = 24;

    private final PrintWriter out;
    private final String table;
    private final LoadCounters counters;
    private final ScheduledExecutorService timer;
    private int shownWidth;

    private LoadProgress(PrintWriter out, String table, LoadCounters counters) {
        this.out = out;
        this.table = table;
        this.counters = counters;
        this.timer = out == null ? null : Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "mallard-load-progress");
            thread.setDaemon(true);
            return thread;
        });
    }

    static LoadProgress start(PrintWriter out, String table, LoadCounters counters) {
        LoadProgress progress = new LoadProgress(out, table, counters);
        progress.timer.scheduleWithFixedDelay(progress::refresh, PERIOD_MILLIS, PERIOD_MILLIS, TimeUnit.MILLISECONDS);
        return progress;
    }

    /** No display (not a terminal). */
    static LoadProgress none() {
        return new LoadProgress(null, null, null);
    }

    private void refresh() {
        String text = render(table, counters.file(), counters.files(), counters.rows(), counters.knownRows(),
                counters.arrowBytes(), counters.elapsedNanos());
        synchronized (this) {
            if (timer.isShutdown()) {
                return;
            }
            out.print("\r" + text + " ".repeat(Math.max(0, shownWidth - text.length())));
            out.flush();
            shownWidth = text.length();
        }
    }

    /**
     * "events [██████░░░░] 58% · 5,800,000 rows · 290.1 MB · 96.7 MB/s · 3.0 s", with "file 2/5" instead of the bar
     * when the total is not known.
     */
    static String render(String table, int file, int files, long rows, long knownRows, long bytes, long elapsedNanos) {
        double seconds = elapsedNanos / 1e9;
        StringBuilder line = new StringBuilder(table).append(' ');
        if (knownRows > 0) {
            double done = Math.min(1.0, (double) rows / knownRows);
            int filled = (int) Math.round(done * BAR);
            line.append('[').append("█".repeat(filled)).append("░".repeat(BAR - filled)).append("] ")
                    .append(String.format(Locale.ROOT, "%3.0f%%", done * 100));
        } else {
            line.append("file ").append(Math.max(file, 1)).append('/').append(Math.max(files, 1));
        }
        line.append(String.format(Locale.ROOT, " · %,d rows · %s · %.1f MB/s · %.1f s", rows, megabytes(bytes),
                seconds > 0 ? bytes / 1e6 / seconds : 0.0, seconds));
        return line.toString();
    }

    static String megabytes(long bytes) {
        return String.format(Locale.ROOT, "%.1f MB", bytes / 1e6);
    }

    @Override
    public void close() {
        if (timer == null) {
            return;
        }
        synchronized (this) {
            timer.shutdownNow();
            if (shownWidth > 0) {
                out.print("\r" + " ".repeat(shownWidth) + "\r");
                out.flush();
            }
        }
    }
}
