package io.mallard.data;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/**
 * Generates the {@code edge} dataset: small tables full of the values distributed SQL gets wrong — NULLs in every
 * nullable column, an all-NULL column, BIGINTs near 2<sup>62</sup> (and the BIGINT extremes) whose sums overflow
 * int64, DECIMAL(18,2) and DECIMAL(38,10), doubles with NaN, ±0.0 and ±infinity, accented, CJK and emoji strings,
 * lists with NULL elements and empty lists, a dimension with rows no fact references, a replicated table with keys no
 * fact has, a partitioned table with fewer rows than shards and an empty one.
 *
 * <p>Every value is a function of the row number (products with primes, modulo), so the data is the same on every
 * run without a random generator; the doubles outside the special values are multiples of 1/16, so their sums are
 * exact whatever order shards add them in. Generation is plain SQL inside DuckDB and takes milliseconds.
 */
public final class EdgeCaseGenerator {
    private EdgeCaseGenerator() {
    }

    /**
     * Creates the tables of {@link DatasetDefinitions#edge()} in the connection's default schema and fills them.
     *
     * @param duckdb   an open DuckDB connection; the tables must not exist yet
     * @param factRows rows of {@code edge_facts}, {@code >= 1}; {@code edge_events} gets about 1.2 rows per fact
     * @throws SQLException on any DuckDB error
     */
    public static void generate(Connection duckdb, long factRows) throws SQLException {
        if (factRows < 1) {
            throw new IllegalArgumentException("factRows must be >= 1, got " + factRows);
        }
        for (TableSpec spec : DatasetDefinitions.edge()) {
            Sql.execute(duckdb, Sql.createTable(spec));
        }
        try (PreparedStatement facts = duckdb.prepareStatement(FACTS)) {
            facts.setLong(1, factRows);
            facts.executeUpdate();
        }
        Sql.execute(duckdb, EVENTS);
        Sql.execute(duckdb, DIM);
        Sql.execute(duckdb, COLORS);
        Sql.execute(duckdb, TINY);
    }

    /**
     * One row per id 1..n. Group {@code grp} has a dominant value, rare values and NULL; {@code big} starts with
     * BIGINT max and min, then values just above 2<sup>62</sup> (two of them overflow int64); {@code f} has NaN,
     * ±infinity, -0.0 and 0.0 at fixed periods; {@code dim_id} references 1..40 of {@code edge_dim}'s 60 rows;
     * {@code color_id} 0..9 where only 1..8 exist in {@code edge_colors}.
     */
    private static final String FACTS = """
            INSERT INTO edge_facts
            SELECT i,
              CASE (i * 7) % 9 WHEN 0 THEN NULL WHEN 1 THEN 'b' WHEN 2 THEN 'c' WHEN 3 THEN 'b' WHEN 4 THEN 'd' ELSE 'a' END,
              CASE WHEN i % 13 = 0 THEN NULL ELSE (i * 37) % 11 END,
              CASE WHEN i % 10 = 3 THEN NULL ELSE ((i * 7919) % 20001) - 10000 END,
              CASE WHEN i = 1 THEN 9223372036854775807 WHEN i = 2 THEN -9223372036854775808 WHEN i % 9 = 4 THEN NULL
                   ELSE 4611686018427387904 + (i * 104729) % 1000003 END,
              CASE WHEN i % 11 = 5 THEN NULL ELSE (((i * 48271) % 2000001) - 1000000)::DECIMAL(18,2) / 100 END,
              CASE WHEN i % 12 = 7 THEN NULL
                   ELSE (CASE WHEN i % 2 = 0 THEN '' ELSE '-' END || (123456789012345678 + i * 1000003) || '.'
                         || lpad(((i * 2654435761) % 10000000000)::VARCHAR, 10, '0'))::DECIMAL(38,10) END,
              CASE WHEN i % 97 = 0 THEN 'NaN'::DOUBLE WHEN i % 89 = 0 THEN 'Infinity'::DOUBLE
                   WHEN i % 83 = 0 THEN '-Infinity'::DOUBLE WHEN i % 53 = 0 THEN -0.0::DOUBLE
                   WHEN i % 59 = 0 THEN 0.0::DOUBLE WHEN i % 14 = 1 THEN NULL
                   ELSE (((i * 31337) % 8001) - 4000) / 8.0 END,
              CASE WHEN i % 15 = 2 THEN NULL ELSE ((i * 613) % 100003) / 16.0 + 1000000 END,
              CASE WHEN i % 17 = 0 THEN NULL
                   ELSE (['apple', 'Äpfel', 'äpfel', 'apfel', 'zebra', 'Zürich', 'zurich', 'école', 'Ecole', 'eclair',
                          '東京', '北京', '大阪', '😀 smile', '🦆 duck', 'naïve', 'naive', 'ñandú', '', '  leading',
                          'ß', 'ss', 'Σίσυφος', 'Ωmega', 'ωmega', 'NULL', 'ǅ', 'e' || chr(769)])[1 + (i * 31) % 28] END,
              CASE WHEN i % 11 = 0 THEN NULL ELSE (i * 5) % 3 = 0 END,
              NULL,
              CASE WHEN i % 19 = 0 THEN NULL WHEN i % 23 = 0 THEN [] WHEN i % 29 = 0 THEN ['x', NULL]
                   ELSE list_slice(['red', 'grün', '青', 'blue', '🦆', 'red', 'grün'], 1 + i % 5, 1 + i % 5 + (i * 7) % 3)
              END,
              DATE '2024-01-01' + ((i * 13) % 400)::INTEGER,
              CASE WHEN i % 16 = 0 THEN NULL ELSE 1 + (i * 17) % 40 END,
              (i * 3) % 10
            FROM range(1, ? + 1) AS t(i)
            ORDER BY i
            """;

    /** 0 to 3 events per fact (none when the id is a multiple of 4 or 5), so outer joins find facts without events. */
    private static final String EVENTS = """
            INSERT INTO edge_events
            SELECT id, e, (['click', 'view', 'buy', 'Ärger'])[1 + (id + e) % 4],
              CASE WHEN (id + e) % 7 = 0 THEN NULL ELSE (id * e) % 50 END
            FROM edge_facts, range(1, 4) AS r(e)
            WHERE e <= id % 4 AND id % 5 <> 0
            ORDER BY id, e
            """;

    /** 60 rows, of which the facts reference 1..40. */
    private static final String DIM = """
            INSERT INTO edge_dim
            SELECT i, (['Nord', 'Süd', 'Öst', 'West', '中央', 'Ζ'])[1 + i % 6] || ' ' || i,
              CASE WHEN i % 7 = 0 THEN NULL ELSE (i * 11) % 13 END, (i * 2.25)::DECIMAL(18,2)
            FROM range(1, 61) AS t(i)
            ORDER BY i
            """;

    private static final String COLORS = """
            INSERT INTO edge_colors VALUES (1, 'rot'), (2, 'grün'), (3, 'blau'), (4, '黄色'), (5, '🟣 purple'),
              (6, 'Orange'), (7, 'orange'), (8, NULL)
            """;

    /** Three rows: with 4 or more shards, most shards hold none. */
    private static final String TINY = """
            INSERT INTO edge_tiny VALUES (7, 'sieben', 70), (1234, 'Ω', NULL), (2999, '七', -5)
            """;
}
