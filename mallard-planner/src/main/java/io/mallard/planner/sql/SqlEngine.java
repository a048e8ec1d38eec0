package io.mallard.planner.sql;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * The window onto DuckDB's parser, renderer and binder: the planner, and every other part of Mallard that reads or
 * rewrites a statement's tree, parses to DuckDB's JSON tree, rewrites the tree and renders it back; nothing else calls
 * {@code json_serialize_sql} or {@code json_deserialize_sql}.
 */
public interface SqlEngine {
    /** DuckDB's parse of any SQL text: the statements' trees, or DuckDB's parse error (never thrown). */
    ParsedSql parse(String sql);

    /** Parses one SELECT statement into its JSON node; syntax errors carry DuckDB's message and position. */
    ObjectNode parseSelect(String sql);

    /** Renders a SELECT node back to SQL text. */
    String render(ObjectNode selectNode);

    /** Binds a query against the catalog's schemas and returns its output columns; binder errors become coded errors. */
    List<OutputColumn> describe(String sql);

    /**
     * As {@link #describe}, but empty when DuckDB cannot bind the query: a sub-query that refers to the columns of an
     * enclosing query does not bind on its own.
     */
    Optional<List<OutputColumn>> describeIfBinds(String sql);

    /** The type node of {@code CAST(x AS sqlType)}, for a type name DuckDB itself reported (from {@link #describe}). */
    ObjectNode typeNode(String sqlType);

    /**
     * The number of rows a SELECT node returns, run on the planner's database, which holds full copies of the dimension
     * and replicated tables (partitioned tables are empty there). For plan choices that depend on a dimension's data.
     * Empty when DuckDB fails to evaluate it (an expression that fails on some row).
     */
    OptionalLong count(ObjectNode selectNode);

    /** Names of DuckDB's aggregate functions, lower case. */
    Set<String> aggregateFunctions();
}
