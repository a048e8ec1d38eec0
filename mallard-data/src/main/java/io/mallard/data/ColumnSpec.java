package io.mallard.data;

import java.util.Objects;

/**
 * One column of a table.
 *
 * @param name column name as stored in DuckDB (lowercase for the built-in datasets)
 * @param type DuckDB SQL type text, e.g. {@code "DECIMAL(15,2)"}, {@code "VARCHAR"}, {@code "BIGINT"}, {@code "DATE"}
 */
public record ColumnSpec(String name, String type) {
    /** Validates that both parts are present. */
    public ColumnSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
    }
}
