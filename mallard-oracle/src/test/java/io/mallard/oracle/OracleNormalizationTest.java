package io.mallard.oracle;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.Period;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.arrow.vector.PeriodDuration;
import org.junit.jupiter.api.Test;

/** DuckDB JDBC's values and the client's values for the same SQL value normalize to equal objects. */
class OracleNormalizationTest {
    @Test
    void nestedValuesFromJdbcEqualTheClientsListsAndMaps() throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT ['grün', NULL] AS l, {'g': 'a', 'n': 2, 'd': [DATE '2024-01-02']} AS st,"
                        + " MAP {1: 'one', 2: NULL} AS m, [1.5::DOUBLE, 'NaN'] AS dl, 'ab'::BLOB AS b,"
                        + " TIMESTAMPTZ '2024-01-14 00:00:00+00' AS tz")) {
            rs.next();
            assertThat(Oracle.normalize(rs.getObject("l"))).isEqualTo(Oracle.normalize(Arrays.asList("grün", null)));
            Map<String, Object> struct = new LinkedHashMap<>();
            struct.put("g", "a");
            struct.put("n", 2L);
            struct.put("d", List.of(LocalDate.of(2024, 1, 2)));
            assertThat(Oracle.normalize(rs.getObject("st"))).isEqualTo(Oracle.normalize(struct));
            Map<Object, Object> map = new LinkedHashMap<>();
            map.put(1L, "one");
            map.put(2L, null);
            assertThat(Oracle.normalize(rs.getObject("m"))).isEqualTo(Oracle.normalize(map));
            assertThat(Oracle.same(Oracle.normalize(rs.getObject("dl")), Oracle.normalize(List.of(1.5 + 1e-12, Double.NaN)))).isTrue();
            assertThat(Oracle.same(Oracle.normalize(rs.getObject("dl")), Oracle.normalize(List.of(1.5, 2.0)))).isFalse();
            assertThat(Oracle.normalize(rs.getObject("b"))).isEqualTo(Oracle.normalize(new byte[] {'a', 'b'}));
            assertThat(Oracle.normalize(rs.getObject("tz")))
                    .isEqualTo(Oracle.normalize(OffsetDateTime.of(2024, 1, 14, 1, 0, 0, 0, ZoneOffset.ofHours(1))));
        }
    }

    @Test
    void intervalTextEqualsArrowPeriodDuration() {
        assertThat(IntervalValue.parse("2 years 2 months -3 days 04:05:06.789"))
                .isEqualTo(IntervalValue.of(new PeriodDuration(Period.of(0, 26, -3), Duration.parse("PT4H5M6.789S"))));
        assertThat(IntervalValue.parse("-00:00:01.5")).isEqualTo(new IntervalValue(0, 0, -1_500_000));
        assertThat(IntervalValue.parse("3991 days")).isEqualTo(new IntervalValue(0, 3991, 0));
        assertThat(IntervalValue.parse("00:00:00")).isEqualTo(new IntervalValue(0, 0, 0));
        assertThat(IntervalValue.parse("1 month")).isEqualTo(new IntervalValue(1, 0, 0));
    }

    @Test
    void exactNumbersCompareByValueWhateverTheirJavaType() {
        assertThat(Oracle.normalize(7L)).isEqualTo(Oracle.normalize(new BigDecimal("7.00")));
        assertThat(Oracle.same(Oracle.normalize(-0.0), Oracle.normalize(0.0))).isTrue();
        assertThat(Oracle.same(Oracle.normalize(Double.POSITIVE_INFINITY), Oracle.normalize(Double.NEGATIVE_INFINITY))).isFalse();
        assertThat(Oracle.same(Oracle.normalize(Double.POSITIVE_INFINITY), Oracle.normalize(1e300))).isFalse();
        assertThat(Oracle.same(Oracle.normalize(Double.NEGATIVE_INFINITY), Oracle.normalize(Double.NEGATIVE_INFINITY))).isTrue();
    }
}
