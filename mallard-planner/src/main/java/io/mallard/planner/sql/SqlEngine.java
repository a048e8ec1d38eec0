package io.mallard.planner.sql;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Set;

/**
 * The planner's window onto DuckDB: its parser, its renderer and its binder. The planner never builds SQL text; it
 * parses to DuckDB's JSON tree, rewrites the tree and renders it back.
 */
public interface SqlEngine {
    /** Parses one SELECT statement into its JSON node; syntax errors carry DuckDB's message and position. */
    ObjectNode parseSelect(String sql);

    /** Renders a SELECT node back to SQL text. */
    String render(ObjectNode selectNode);

    /** Binds a query against the catalog's schemas and returns its output columns; binder errors become coded errors. */
    List<OutputColumn> describe(String sql);

    /** The type node of {@code CAST(x AS sqlType)}, for a type name DuckDB itself reported (from {@link #describe}). */
    ObjectNode typeNode(String sqlType);

    /**
     * The number of rows a SELECT node returns, run on the planner's database, which holds full copies of the dimension
     * and replicated tables (partitioned tables are empty there). For plan choices that depend on a dimension's data.
     */
    long count(ObjectNode selectNode);

    /** Names of DuckDB's aggregate functions, lower case. */
    Set<String> aggregateFunctions();
}
