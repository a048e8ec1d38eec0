package io.mallard.coordinator.imports;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class GlobTest {
    @Test
    void aStarStaysWithinOnePartAndTwoStarsCrossParts() {
        Glob parts = Glob.of("events/*.parquet");
        assertThat(parts.matches("events/a.parquet")).isTrue();
        assertThat(parts.matches("events/2024/a.parquet")).isFalse();
        assertThat(parts.matches("events/a.parquet.tmp")).isFalse();
        Glob deep = Glob.of("events/**/*.parquet");
        assertThat(deep.matches("events/a.parquet")).isTrue();
        assertThat(deep.matches("events/year=2024/month=1/a.parquet")).isTrue();
        assertThat(deep.matches("other/a.parquet")).isFalse();
    }

    @Test
    void questionMarksAndClassesMatchOneCharacter() {
        assertThat(Glob.of("part-?.csv").matches("part-1.csv")).isTrue();
        assertThat(Glob.of("part-?.csv").matches("part-12.csv")).isFalse();
        assertThat(Glob.of("part-[0-2].csv").matches("part-2.csv")).isTrue();
        assertThat(Glob.of("part-[0-2].csv").matches("part-3.csv")).isFalse();
        assertThat(Glob.of("part-[!0].csv").matches("part-0.csv")).isFalse();
        assertThat(Glob.of("part-[!0].csv").matches("part-5.csv")).isTrue();
    }

    @Test
    void everythingElseIsLiteral() {
        assertThat(Glob.of("a+b (1).csv").matches("a+b (1).csv")).isTrue();
        assertThat(Glob.of("a.csv").matches("abcsv")).isFalse();
        assertThat(Glob.of("x/[&&y].csv").matches("x/&.csv")).isTrue();
    }

    @Test
    void theLiteralPrefixIsWhatEveryMatchStartsWith() {
        assertThat(Glob.of("events/2024/*.parquet").literalPrefix()).isEqualTo("events/2024/");
        assertThat(Glob.of("events/part-?.csv").literalPrefix()).isEqualTo("events/part-");
        assertThat(Glob.of("events/one.csv").literalPrefix()).isEqualTo("events/one.csv");
        assertThat(Glob.hasWildcards("events/one.csv")).isFalse();
        assertThat(Glob.hasWildcards("events/[ab].csv")).isTrue();
    }
}
