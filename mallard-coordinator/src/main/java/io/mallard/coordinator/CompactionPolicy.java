package io.mallard.coordinator;

/**
 * When the coordinator compacts a table's files in the background (see {@code tables.Compactor}). A (table, shard)
 * is compacted when it has more than {@code maxFiles} small data files (fewer than {@code smallFileRows} rows each),
 * which are then merged into one, or when deleted rows make up more than {@code maxDeletedFraction} of a data file,
 * which is then rewritten without them (together with the shard's small files).
 *
 * @param enabled            whether the background task runs at all
 * @param maxFiles           more small data files than this in one shard of a table are merged
 * @param maxDeletedFraction a data file with a larger share of deleted rows is rewritten without them
 * @param smallFileRows      data files with fewer rows are small
 * @param intervalMillis     how often the task looks
 */
public record CompactionPolicy(boolean enabled, int maxFiles, double maxDeletedFraction, long smallFileRows,
        long intervalMillis) {

    /** What {@code mallard coordinator} runs with: more than 8 small files, or over 20 % deleted, every minute. */
    public static final CompactionPolicy DEFAULTS = new CompactionPolicy(true, 8, 0.2, 1_000_000, 60_000);
    /** No background compaction (tests, benchmarks that measure the uncompacted layout). */
    public static final CompactionPolicy OFF = new CompactionPolicy(false, 8, 0.2, 1_000_000, 60_000);

    public CompactionPolicy {
        if (maxFiles < 1) {
            throw new IllegalArgumentException("compaction's file threshold must be at least 1, got " + maxFiles);
        }
        if (!(maxDeletedFraction > 0 && maxDeletedFraction <= 1)) {
            throw new IllegalArgumentException("compaction's deleted-rows threshold is a fraction in (0, 1], got "
                    + maxDeletedFraction);
        }
        if (smallFileRows < 1 || intervalMillis < 1) {
            throw new IllegalArgumentException("compaction's small-file size and interval must be positive");
        }
    }

    public CompactionPolicy withEnabled(boolean on) {
        return new CompactionPolicy(on, maxFiles, maxDeletedFraction, smallFileRows, intervalMillis);
    }

    public CompactionPolicy withInterval(long millis) {
        return new CompactionPolicy(enabled, maxFiles, maxDeletedFraction, smallFileRows, millis);
    }
}
