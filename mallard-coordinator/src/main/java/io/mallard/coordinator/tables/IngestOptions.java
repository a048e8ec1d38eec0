package io.mallard.coordinator.tables;

import io.mallard.common.ErrorCode;
import io.mallard.common.MallardException;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * What a bulk ingest does with its table: Flight SQL's table definition options, and Mallard's own.
 *
 * @param table       the table to load
 * @param create      make the table from the stream's columns when it does not exist (else such an ingest fails)
 * @param ifExists    what happens when the table exists
 * @param partitionBy the shard key of a table the ingest makes (as {@code ALTER TABLE … SET PARTITIONED BY} would set
 *                    it); empty: rows are spread evenly. For an existing table it must be the table's key, or empty.
 * @param expectedRows how many rows the client says the stream carries, or -1 (see {@code StreamWriter})
 */
public record IngestOptions(String table, boolean create, IfExists ifExists, List<String> partitionBy,
        long expectedRows) {
    /** What to do when the table exists. */
    public enum IfExists {
        /** refuse: the ingest meant to make a new table */
        FAIL,
        /** add the rows */
        APPEND,
        /** drop the table and make it anew from the stream's columns, with the rows, in one commit */
        REPLACE
    }

    public IngestOptions {
        Objects.requireNonNull(ifExists, "ifExists");
        partitionBy = List.copyOf(partitionBy);
        if (expectedRows < -1) {
            throw new MallardException(ErrorCode.INVALID_ARGUMENT, "bulk ingest: expected_rows is a count of rows, not "
                    + expectedRows);
        }
        if (table == null || table.isBlank()) {
            throw new MallardException(ErrorCode.INVALID_ARGUMENT, "a bulk ingest names its table");
        }
        if (table.toLowerCase(Locale.ROOT).startsWith("__mallard")) {
            throw new MallardException(ErrorCode.INVALID_ARGUMENT, "table names starting with __mallard are Mallard's own");
        }
    }

    /** How the ingest shows in the query history and the commit log. */
    public String describe() {
        StringBuilder text = new StringBuilder("bulk ingest into ").append(table).append(" (");
        text.append(create ? "create if missing" : "table must exist").append(", ");
        text.append(switch (ifExists) {
            case FAIL -> "table must be new";
            case APPEND -> "append if it exists";
            case REPLACE -> "replace if it exists";
        });
        if (!partitionBy.isEmpty()) {
            text.append(", partition_by ").append(String.join(", ", partitionBy));
        }
        return text.append(")").toString();
    }
}
