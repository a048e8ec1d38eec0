package io.mallard.protocol.client;

import java.util.List;

/**
 * A materialized result: column names, SQL-ish type names and rows of plain Java values (Long, BigInteger,
 * BigDecimal, Double, String, LocalDate, LocalDateTime, Boolean, or the vector's own object for other types).
 */
public record QueryRows(List<String> columns, List<String> types, List<List<Object>> rows) {
}
