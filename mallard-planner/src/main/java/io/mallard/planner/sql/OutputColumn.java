package io.mallard.planner.sql;

/** A column of a query's result as DuckDB binds it: its name and its SQL type. */
public record OutputColumn(String name, String type) {
}
