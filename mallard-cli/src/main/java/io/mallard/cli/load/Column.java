package io.mallard.cli.load;

/** A column of a file or a table: its name and DuckDB type. */
record Column(String name, String type) {
}
