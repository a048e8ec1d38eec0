package io.mallard.data;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Objects;

/**
 * One column of a table.
 *
 * @param name     column name as stored in DuckDB (lowercase for the built-in datasets)
 * @param type     DuckDB SQL type text, e.g. {@code "DECIMAL(15,2)"}, {@code "VARCHAR"}, {@code "BIGINT"}, {@code "DATE"},
 *                 {@code "VARCHAR[]"}
 * @param nullable whether the column may hold NULLs; only the edge-case dataset has such columns (omitted from the
 *                 manifest's JSON when false, so manifests of the other datasets read as before)
 */
public record ColumnSpec(String name, String type,
                         @JsonInclude(JsonInclude.Include.NON_DEFAULT) boolean nullable) {
    /** Validates that both parts are present. */
    public ColumnSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
    }

    /**
     * A NOT NULL column.
     *
     * @param name column name
     * @param type DuckDB SQL type text
     */
    public ColumnSpec(String name, String type) {
        this(name, type, false);
    }
}
