package io.mallard.common.rows;

import java.util.List;

/**
 * A materialized result: column names, SQL-ish type names and rows of plain Java values (Long, BigInteger,
 * BigDecimal, Double, String, LocalDate, LocalTime, LocalDateTime, OffsetDateTime, Boolean, List for lists, Map for
 * structs and maps, or the vector's own object for other types); see {@link ArrowValues}.
 *
 * @param warnings what the coordinator said about the answer besides its rows (a partial result's missing edge
 *                 partitions); empty for a complete answer
 */
public record QueryRows(List<String> columns, List<String> types, List<List<Object>> rows, List<String> warnings) {
    public QueryRows {
        warnings = warnings == null ? List.of() : List.copyOf(warnings);
    }

    public QueryRows(List<String> columns, List<String> types, List<List<Object>> rows) {
        this(columns, types, rows, List.of());
    }
}
