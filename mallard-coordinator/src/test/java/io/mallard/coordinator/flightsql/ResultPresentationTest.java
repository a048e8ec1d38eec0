package io.mallard.coordinator.flightsql;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Which answers pass through the presenting DuckDB, and the type each of their columns goes to clients as. */
class ResultPresentationTest {
    @Test
    void typesArrowHasNoTypeForPassUnlessConvertedAlone() {
        for (String type : new String[] {"UHUGEINT", "BIT", "TIME WITH TIME ZONE", "BIGNUM", "UUID[]", "BOOLEAN[]",
                "STRUCT(a INTEGER, b BIT)", "STRUCT(a BOOLEAN)", "MAP(VARCHAR, HUGEINT)", "TIME WITH TIME ZONE[3]"}) {
            assertThat(ResultPresentation.passes(type)).as(type).isTrue();
        }
        // BOOLEAN, HUGEINT and UUID columns of their own are converted without the presenting DuckDB
        for (String type : new String[] {"BOOLEAN", "HUGEINT", "UUID", "INTEGER", "BIGINT", "DECIMAL(38,0)", "TIME",
                "TIMESTAMP WITH TIME ZONE", "BLOB", "VARCHAR", "JSON", "ENUM('bit', 'uuid')",
                "STRUCT(\"bit\" INTEGER, \"uuid\" VARCHAR)", "BITSTRINGS", "INTEGER[]"}) {
            assertThat(ResultPresentation.passes(type)).as(type).isFalse();
        }
    }

    @Test
    void theFourThatArrowWouldChangeGoAsTextAndTheRestAsDuckDbExportsThem() {
        assertThat(ResultPresentation.presented("BIT")).isEqualTo("VARCHAR");
        assertThat(ResultPresentation.presented("TIME WITH TIME ZONE[]")).isEqualTo("VARCHAR[]");
        assertThat(ResultPresentation.presented("UHUGEINT")).isEqualTo("VARCHAR");
        assertThat(ResultPresentation.presented("BIGNUM")).isEqualTo("VARCHAR");
        assertThat(ResultPresentation.presented("STRUCT(\"bit\" INTEGER, x BIT, t TIME WITH TIME ZONE)"))
                .isEqualTo("STRUCT(\"bit\" INTEGER, x VARCHAR, t VARCHAR)");
        assertThat(ResultPresentation.presented("MAP(UUID, BIT[])")).isEqualTo("MAP(UUID, VARCHAR[])");
        assertThat(ResultPresentation.presented("ENUM('a', 'it''s (b)')")).isEqualTo("VARCHAR");
        for (String same : new String[] {"UUID", "HUGEINT", "TIMESTAMP WITH TIME ZONE", "TIME", "DECIMAL(18,3)"}) {
            assertThat(ResultPresentation.presented(same)).isEqualTo(same);
        }
    }

    @Test
    void anEnumColumnIsRecognisedButNotAListOfOne() {
        assertThat(ResultPresentation.isEnum("ENUM('sad', 'it''s ok')")).isTrue();
        assertThat(ResultPresentation.isEnum("ENUM('a', 'b')[]")).isFalse();
        assertThat(ResultPresentation.isEnum("STRUCT(e ENUM('a'))")).isFalse();
        assertThat(ResultPresentation.isEnum("VARCHAR")).isFalse();
    }
}
