package io.mallard.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.mallard.client.MallardClient;
import io.mallard.common.rows.QueryRows;
import io.mallard.oracle.Oracle;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.temporal.ChronoField;
import java.util.List;
import java.util.Objects;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code SUMMARIZE t} of a partitioned table is answered from per-shard statistics, distinct-value sketches and
 * samples, and equals one DuckDB's SUMMARIZE over all the rows: names, types, min, max, count and null_percentage
 * exactly; avg and std up to floating-point summation order; approx_unique exactly below the sketch's size and within
 * a few percent of the true distinct count above it; q25, q50 and q75 values of the column near their rank. The tables
 * cover decimals, dates, NaN, ±∞, NULL-only columns, lists, one table with three rows and one with none.
 */
class SummarizeTest {
    private static LocalCluster cluster;
    private static MallardClient client;
    private static Oracle oracle;

    @BeforeAll
    static void start() throws Exception {
        cluster = LocalCluster.builder().shards(4).workers(2).edgeRows(4000).build();
        client = cluster.client();
        oracle = new Oracle(cluster.oracleFile());
    }

    @AfterAll
    static void stop() throws Exception {
        try (AutoCloseable c = cluster; AutoCloseable o = oracle; AutoCloseable cl = client) {
            // closed in reverse order
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"lineitem", "orders", "edge_facts", "edge_tiny", "edge_empty"})
    void summarizeEqualsOneDuckDbWithoutShippingTheRows(String table) throws Exception {
        assertThat(String.join("\n", client.query("EXPLAIN SUMMARIZE " + table).rows().stream()
                .map(r -> String.valueOf(r.get(0))).toList()))
                .as("statistics, sketches and samples are shipped, not the rows")
                .contains("PUSHDOWN_AGG").contains("__mallard_sketch").contains("USING SAMPLE reservoir");
        QueryRows mallard = client.query("SUMMARIZE " + table);
        QueryRows duck = oracle.query("SUMMARIZE " + table);
        assertThat(mallard.columns()).isEqualTo(duck.columns());
        assertThat(mallard.rows()).hasSameSizeAs(duck.rows());
        for (int r = 0; r < duck.rows().size(); r++) {
            List<Object> ours = mallard.rows().get(r);
            List<Object> theirs = duck.rows().get(r);
            String column = (String) theirs.get(0);
            String type = (String) theirs.get(1);
            String what = table + "." + column + " (" + type + ")";
            assertThat(ours.subList(0, 4)).as(what + ": name, type, min, max").isEqualTo(theirs.subList(0, 4));
            assertThat(ours.subList(10, 12)).as(what + ": count, null_percentage").isEqualTo(theirs.subList(10, 12));
            assertClose(what + ": avg", ours.get(5), theirs.get(5));
            assertClose(what + ": std", ours.get(6), theirs.get(6));
            assertDistinct(what, table, column, ((Number) ours.get(4)).longValue());
            String[] q = {"0.25", "0.5", "0.75"};
            for (int i = 0; i < 3; i++) {
                Object value = ours.get(7 + i);
                assertThat(value == null).as(what + ": q" + q[i] + " present as in DuckDB").isEqualTo(theirs.get(7 + i) == null);
                if (value != null) {
                    assertRank(what + ": quantile " + q[i], table, column, type, (String) value, Double.parseDouble(q[i]));
                }
            }
        }
    }

    /** Numbers within a relative 1e-9 (or both NaN, both the same infinity); timestamps within a millisecond. */
    private static void assertClose(String what, Object ours, Object theirs) {
        if (theirs == null || ours == null) {
            assertThat(ours).as(what).isEqualTo(theirs);
            return;
        }
        String a = (String) ours;
        String b = (String) theirs;
        if (a.equals(b)) {
            return;
        }
        if (b.matches("\\d{4}-\\d\\d-\\d\\d.*")) {
            Duration apart = Duration.between(timestamp(a), timestamp(b)).abs();
            assertThat(apart).as(what + ": " + a + " vs " + b).isLessThanOrEqualTo(Duration.ofMillis(1));
            return;
        }
        double x = number(a);
        double y = number(b);
        if (Double.isNaN(y) || Double.isInfinite(y)) {
            assertThat(Double.valueOf(x)).as(what + ": " + a + " vs " + b).isEqualTo(Double.valueOf(y));
        } else {
            assertThat(x).as(what + ": " + a + " vs " + b).isCloseTo(y, within(Math.abs(y) * 1e-9 + 1e-12));
        }
    }

    /** DuckDB's text of a DOUBLE: nan, inf and -inf as well as numbers. */
    private static double number(String text) {
        return switch (text) {
            case "nan", "-nan" -> Double.NaN;
            case "inf" -> Double.POSITIVE_INFINITY;
            case "-inf" -> Double.NEGATIVE_INFINITY;
            default -> Double.parseDouble(text);
        };
    }

    private static LocalDateTime timestamp(String text) {
        DateTimeFormatter format = new DateTimeFormatterBuilder().appendPattern("yyyy-MM-dd HH:mm:ss")
                .optionalStart().appendFraction(ChronoField.NANO_OF_SECOND, 0, 9, true).optionalEnd().toFormatter();
        return LocalDateTime.parse(text.replaceAll("[+-]\\d\\d(:\\d\\d)?$", ""), format);
    }

    /** Exactly the distinct count below the sketch's 2,048 values, within 8 % above (about 4 standard errors). */
    private static void assertDistinct(String what, String table, String column, long estimate) throws Exception {
        long exact = ((Number) oracle.query("SELECT count(DISTINCT " + ident(column) + ") FROM " + table).rows().get(0).get(0))
                .longValue();
        if (exact < 2048) {
            assertThat(estimate).as(what + ": approx_unique below the sketch's size").isEqualTo(exact);
        } else {
            assertThat((double) estimate).as(what + ": approx_unique of " + exact).isCloseTo(exact, within(exact * 0.08));
        }
    }

    /** The value is one whose rank among the column's values is within 3 % of {@code q}. */
    private static void assertRank(String what, String table, String column, String type, String value, double q)
            throws Exception {
        String v = "CAST(" + literal(value) + " AS " + type + ")";
        List<Object> ranks = oracle.query("SELECT avg(CAST(" + ident(column) + " < " + v + " AS DOUBLE)), avg(CAST("
                + ident(column) + " <= " + v + " AS DOUBLE)) FROM " + table + " WHERE " + ident(column) + " IS NOT NULL")
                .rows().get(0);
        double below = ((Number) ranks.get(0)).doubleValue();
        double atOrBelow = ((Number) ranks.get(1)).doubleValue();
        assertThat(below).as(what + " = " + value + ": share of values below it").isLessThanOrEqualTo(q + 0.03);
        assertThat(atOrBelow).as(what + " = " + value + ": share of values at or below it").isGreaterThanOrEqualTo(q - 0.03);
    }

    private static String ident(String name) {
        return "\"" + name.replace("\"", "\"\"") + "\"";
    }

    private static String literal(String text) {
        return "'" + Objects.requireNonNull(text).replace("'", "''") + "'";
    }
}
