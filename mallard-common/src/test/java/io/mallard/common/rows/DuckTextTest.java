package io.mallard.common.rows;

import static org.assertj.core.api.Assertions.assertThat;

import io.mallard.common.duck.DuckArrow;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.junit.jupiter.api.Test;

/**
 * Every value the shell prints is spelled as the pinned DuckDB spells it: each expression travels as Arrow (as results
 * reach the shell) and is compared with DuckDB's own cast of it to VARCHAR.
 */
class DuckTextTest {
    private static final List<String> EXPRESSIONS = List.of(
            "'\\xAA\\x00ab''\"c\\x5C'::BLOB", "'plain text'::BLOB",
            "INTERVAL '1 year 2 months 3 days 04:05:06.789'", "INTERVAL '3 days'", "-INTERVAL '1 day 1 second'",
            "INTERVAL '0 days'", "INTERVAL '14 months'", "INTERVAL '-1 month'", "INTERVAL '36 hours 0.000001 seconds'",
            "TIMESTAMPTZ '2024-01-02 03:04:05.123456+00'", "TIMESTAMPTZ '2024-01-02 03:04:00+00'",
            "TIMESTAMP '2024-01-02 03:04:00'", "TIMESTAMP '1999-12-31 23:59:59.5'", "TIME '01:02:00'", "DATE '2024-02-29'",
            "0.1::DOUBLE", "1e16::DOUBLE", "1e15::DOUBLE", "1e-5::DOUBLE", "0.0001::DOUBLE", "-1.5e-7::DOUBLE",
            "'nan'::DOUBLE", "'-inf'::DOUBLE", "-0.0::DOUBLE", "123456789.0::DOUBLE", "2.0::DOUBLE", "1.0/3",
            "12.50::DECIMAL(10,2)", "-7::INTEGER", "18446744073709551615::UBIGINT", "true",
            "{'a': 1, 'b': 'x y', 'c': NULL, 'd': [1, 2]}", "MAP {'k': 'v', 'k2': NULL}", "['a', NULL, 'b c']",
            "[[1, 2], [3]]", "[{'x': 'q'}]", "[1.5, 2.0]", "['it''s', 'a\\b', '', 'NULL', ' lead', 'a,b', 'a:b', 'x=y', 'é']",
            "[DATE '2024-01-01']", "MAP {1: [1]}", "{'a b': 1}", "[true, false]", "[TIME '01:02:03', TIME '01:02:03.5']",
            "[TIMESTAMP '2024-01-01 00:00:00']", "[INTERVAL 1 DAY]", "[1e20::DOUBLE]", "MAP {'a,b': 'c=d', 'x': 'it''s'}",
            "['a'::BLOB]", "{'n': {'m': [NULL]}}");

    @Test
    void valuesAreSpelledAsDuckDbCastsThemToText() throws Exception {
        try (BufferAllocator allocator = new RootAllocator();
                Connection connection = DriverManager.getConnection("jdbc:duckdb:");
                Statement statement = connection.createStatement()) {
            statement.execute("SET TimeZone = 'UTC'");
            List<String> mismatches = new ArrayList<>();
            for (String expression : EXPRESSIONS) {
                try (ResultSet rs = statement.executeQuery("SELECT " + expression + " AS v, (" + expression
                        + ")::VARCHAR AS s"); ArrowReader reader = DuckArrow.export(rs, allocator)) {
                    assertThat(reader.loadNextBatch()).isTrue();
                    List<Object> row = ArrowValues.rows(reader.getVectorSchemaRoot()).get(0);
                    String printed = DuckText.format(row.get(0));
                    if (!printed.equals(row.get(1))) {
                        mismatches.add(expression + ": printed " + printed + ", DuckDB " + row.get(1));
                    }
                }
            }
            assertThat(mismatches).isEmpty();
        }
    }
}
