package io.mallard.client;

import java.util.List;

/**
 * How {@link MallardSqlClient#ingest} treats its table, as ADBC's ingest modes do, and the shard key of a table it makes.
 *
 * @param mode        whether the table must exist, must not, may, or is replaced
 * @param partitionBy  the shard key of a table the ingest makes (as {@code ALTER TABLE … SET PARTITIONED BY}); empty:
 *                     its rows are spread evenly over the shards
 * @param expectedRows how many rows the stream will carry, when the sender knows (as from a Parquet file's footer),
 *                     else -1: the coordinator then writes the shards of a table spread evenly one per core at a time,
 *                     each taking its share (a wrong count spreads the rows less evenly, nothing else)
 * @param freshBuffers the reader gives every batch buffers of its own and never writes into a batch it gave before (as
 *                     an import of DuckDB's Arrow stream does): the batches are then sent without copying them. A reader
 *                     that refills the same vectors must not say so (its rows could change while they are sent)
 */
public record IngestOptions(Mode mode, List<String> partitionBy, long expectedRows, boolean freshBuffers) {
    /** What the table must be like before the ingest. */
    public enum Mode {
        /** the table exists; the rows are appended */
        APPEND,
        /** the table does not exist; it is made from the rows' columns */
        CREATE,
        /** made if it does not exist, else appended to */
        CREATE_OR_APPEND,
        /** made anew from the rows' columns, replacing the table if it exists (one commit) */
        REPLACE
    }

    public IngestOptions {
        if (mode == null) {
            throw new IllegalArgumentException("an ingest mode is required");
        }
        partitionBy = List.copyOf(partitionBy);
        if (expectedRows < -1) {
            throw new IllegalArgumentException("expected rows are a count, or -1 when unknown: " + expectedRows);
        }
    }

    /** {@code mode} with {@code partitionBy}, the number of rows unknown, the batches copied as they are sent. */
    public IngestOptions(Mode mode, List<String> partitionBy) {
        this(mode, partitionBy, -1, false);
    }

    /** Append to an existing table. */
    public static IngestOptions append() {
        return new IngestOptions(Mode.APPEND, List.of());
    }

    /** Make a new table from the rows' columns. */
    public static IngestOptions create() {
        return new IngestOptions(Mode.CREATE, List.of());
    }

    /** The same, with the shard key of a table the ingest makes. */
    public IngestOptions partitionedBy(String... columns) {
        return new IngestOptions(mode, List.of(columns), expectedRows, freshBuffers);
    }

    /** The same, saying how many rows the stream will carry. */
    public IngestOptions expecting(long rows) {
        return new IngestOptions(mode, partitionBy, rows, freshBuffers);
    }

    /** The same, for a reader whose every batch has buffers of its own: sent without copying them. */
    public IngestOptions withFreshBuffers() {
        return new IngestOptions(mode, partitionBy, expectedRows, true);
    }
}
