package io.mallard.data.queries;

/** A query with the name results and reports know it by ({@code tpch-q1}, {@code challenge-count}). */
public record NamedQuery(String name, String sql) {
}
