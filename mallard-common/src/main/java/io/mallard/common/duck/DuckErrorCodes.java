package io.mallard.common.duck;

import io.mallard.common.ErrorCode;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The one table from DuckDB's error kinds to Mallard's codes, for the pinned DuckDB (duckdb_jdbc 2.0.0.1). Each row is
 * provoked from that DuckDB by {@code DuckErrorsTest}; docs/errors.md prints the table.
 */
final class DuckErrorCodes {
    /**
     * A kind (DuckDB's exception type name) and, for a Catalog error about a missing entry, the entry's type; a row
     * without an entry type matches any error of its kind that no more specific row matches.
     */
    record Row(String kind, String missingEntry, ErrorCode code) {
        boolean matches(DuckError error) {
            return kind.equals(error.kind()) && (missingEntry == null || missingEntry.equals(error.missingEntry()));
        }
    }

    static final List<Row> ROWS = List.of(
            new Row("Parser", null, ErrorCode.SYNTAX_ERROR),
            new Row("Catalog", "Table", ErrorCode.TABLE_NOT_FOUND),
            new Row("Catalog", "Scalar Function", ErrorCode.FUNCTION_NOT_FOUND),
            new Row("Catalog", "Aggregate Function", ErrorCode.FUNCTION_NOT_FOUND),
            new Row("Catalog", "Table Function", ErrorCode.FUNCTION_NOT_FOUND),
            new Row("Catalog", "Pragma Function", ErrorCode.FUNCTION_NOT_FOUND),
            // a missing type, collation, setting or schema, or a function only an extension has
            new Row("Catalog", null, ErrorCode.BINDER_ERROR),
            new Row("Binder", null, ErrorCode.BINDER_ERROR),
            new Row("Permission", null, ErrorCode.PERMISSION_DENIED),
            new Row("Not implemented", null, ErrorCode.UNSUPPORTED_STATEMENT),
            new Row("Invalid Input", null, ErrorCode.EXECUTION_ERROR),
            new Row("Conversion", null, ErrorCode.EXECUTION_ERROR),
            new Row("Out of Range", null, ErrorCode.EXECUTION_ERROR),
            new Row("Constraint", null, ErrorCode.EXECUTION_ERROR),
            new Row("TransactionContext", null, ErrorCode.EXECUTION_ERROR),
            new Row(DuckError.INTERRUPT, null, ErrorCode.QUERY_CANCELLED),
            new Row("Out of Memory", null, ErrorCode.OUT_OF_MEMORY),
            new Row("IO", null, ErrorCode.IO_ERROR),
            new Row("INTERNAL", null, ErrorCode.INTERNAL_ERROR),
            new Row("FATAL", null, ErrorCode.INTERNAL_ERROR));

    /** Any other kind DuckDB has or adds later: the query failed while it ran. */
    static final ErrorCode OTHER_KIND = ErrorCode.EXECUTION_ERROR;

    /** An exception that did not come from DuckDB's engine (no kind) is Mallard's own failure. */
    static final ErrorCode NO_KIND = ErrorCode.INTERNAL_ERROR;

    private DuckErrorCodes() {
    }

    static ErrorCode codeOf(DuckError error) {
        return error.kind() == null ? NO_KIND : rowOf(error).map(Row::code).orElse(OTHER_KIND);
    }

    /** The row an error falls under: one for its missing entry type before the general one of its kind. */
    static Optional<Row> rowOf(DuckError error) {
        return ROWS.stream().filter(row -> row.matches(error)).min(Comparator.comparing(row -> row.missingEntry() == null));
    }
}
