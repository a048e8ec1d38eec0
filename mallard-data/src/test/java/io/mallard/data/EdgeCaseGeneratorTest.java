package io.mallard.data;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.util.List;
import org.junit.jupiter.api.Test;

class EdgeCaseGeneratorTest {
    private static final int FACTS = 4_000;

    @Test
    void tablesHaveTheSpecsTypesAndNullability() throws Exception {
        try (Connection c = TestDb.memory()) {
            EdgeCaseGenerator.generate(c, FACTS);
            for (TableSpec spec : Datasets.edgeTables()) {
                List<List<String>> actual = TestDb.rows(c, "SELECT column_name, data_type, is_nullable::VARCHAR"
                        + " FROM duckdb_columns() WHERE table_name = '" + spec.name() + "' ORDER BY column_index");
                assertThat(actual).as(spec.name()).containsExactlyElementsOf(spec.columns().stream()
                        .map(col -> List.of(col.name(), col.type(), Boolean.toString(col.nullable()))).toList());
            }
        }
    }

    @Test
    void holdsTheEdgeCasesTheCorpusReliesOn() throws Exception {
        try (Connection c = TestDb.memory()) {
            EdgeCaseGenerator.generate(c, FACTS);
            assertThat(TestDb.count(c, "SELECT count(*) FROM edge_facts")).isEqualTo(FACTS);
            assertThat(TestDb.count(c, "SELECT count(always_null) FROM edge_facts")).isZero();
            // The sum of big does not fit a BIGINT: DuckDB answers with a HUGEINT.
            assertThat(TestDb.rows(c, "SELECT typeof(sum(big)), sum(big) > 9223372036854775807 FROM edge_facts"))
                    .containsExactly(List.of("HUGEINT", "true"));
            assertThat(TestDb.count(c, "SELECT count(*) FROM edge_facts WHERE isnan(f)")).isPositive();
            assertThat(TestDb.count(c, "SELECT count(*) FROM edge_facts WHERE f = 'Infinity'")).isPositive();
            assertThat(TestDb.count(c, "SELECT count(*) FROM edge_facts WHERE f = '-Infinity'")).isPositive();
            assertThat(TestDb.count(c, "SELECT count(*) FROM edge_facts WHERE f = 0 AND signbit(f)")).isPositive();
            assertThat(TestDb.count(c, "SELECT count(*) FROM edge_facts WHERE f = 0 AND NOT signbit(f)")).isPositive();
            assertThat(TestDb.count(c, "SELECT count(*) FROM edge_facts WHERE s IS NOT NULL AND s <> regexp_replace(s, '[^ -~]', '', 'g')"))
                    .isPositive();
            assertThat(TestDb.count(c, "SELECT count(*) FROM edge_facts WHERE len(tags) = 0")).isPositive();
            assertThat(TestDb.count(c, "SELECT count(*) FROM edge_facts WHERE len(list_filter(tags, lambda x: x IS NULL)) > 0"))
                    .isPositive();
            // Dimension rows no fact references, and fact colors the replicated table lacks.
            assertThat(TestDb.count(c, "SELECT count(*) FROM edge_dim WHERE dim_id NOT IN (SELECT dim_id FROM edge_facts WHERE dim_id IS NOT NULL)"))
                    .isEqualTo(20);
            assertThat(TestDb.count(c, "SELECT count(*) FROM edge_facts WHERE color_id NOT IN (SELECT color_id FROM edge_colors)"))
                    .isPositive();
            assertThat(TestDb.count(c, "SELECT count(*) FROM edge_facts WHERE id NOT IN (SELECT fact_id FROM edge_events)"))
                    .isPositive();
            assertThat(TestDb.count(c, "SELECT count(*) FROM edge_tiny")).isEqualTo(3);
            assertThat(TestDb.count(c, "SELECT count(*) FROM edge_empty")).isZero();
        }
    }

    @Test
    void sameRowsOnEveryRun() throws Exception {
        try (Connection c = TestDb.memory()) {
            Sql.execute(c, "CREATE SCHEMA a; CREATE SCHEMA b");
            for (String schema : List.of("a", "b")) {
                Sql.execute(c, "SET schema = '" + schema + "'");
                EdgeCaseGenerator.generate(c, 500);
            }
            Sql.execute(c, "SET schema = 'main'");
            for (TableSpec spec : Datasets.edgeTables()) {
                String t = spec.name();
                assertThat(TestDb.count(c, "SELECT count(*) FROM (FROM a." + t + " EXCEPT ALL FROM b." + t + ")")).as(t).isZero();
                assertThat(TestDb.count(c, "SELECT count(*) FROM (FROM b." + t + " EXCEPT ALL FROM a." + t + ")")).as(t).isZero();
            }
        }
    }
}
