package io.mallard.cli;

import java.util.List;

/** Words the prompt completes: DuckDB's common SQL keywords and functions, and the dot-commands. */
final class SqlKeywords {
    static final List<String> KEYWORDS = List.of("SELECT", "FROM", "WHERE", "GROUP", "BY", "ORDER", "HAVING", "LIMIT",
            "OFFSET", "JOIN", "INNER", "LEFT", "RIGHT", "FULL", "OUTER", "CROSS", "ON", "USING", "AS", "AND", "OR", "NOT",
            "IN", "EXISTS", "BETWEEN", "LIKE", "ILIKE", "IS", "NULL", "TRUE", "FALSE", "DISTINCT", "ALL", "UNION",
            "INTERSECT", "EXCEPT", "WITH", "CASE", "WHEN", "THEN", "ELSE", "END", "CAST", "ASC", "DESC", "NULLS",
            "FIRST", "LAST", "OVER", "PARTITION", "WINDOW", "QUALIFY", "FILTER", "ROLLUP", "CUBE", "GROUPING", "SETS",
            "EXPLAIN", "SET", "DATE", "INTERVAL", "TIMESTAMP", "count", "sum", "avg", "min", "max", "stddev",
            "variance", "median", "quantile", "string_agg", "extract", "date_trunc", "coalesce", "mallard.distributed",
            "mallard.summarize", "mallard.queries", "mallard.tasks", "mallard.workers", "mallard.shards");
    static final List<String> DOT_COMMANDS = List.of(".set", ".timer", ".explain", ".workers", ".shards", ".format",
            ".mode", ".tables", ".schema", ".read", ".output", ".once", ".maxrows", ".nullvalue", ".headers", ".help",
            ".quit", ".exit");

    private SqlKeywords() {
    }
}
