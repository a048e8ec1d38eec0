package io.mallard.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The corpus file format: named queries, comments, disabled markers. */
class QueryCorpusTest {
    @Test
    void parsesNamedQueriesWithCommentsAndDisabledMarkers() {
        List<QueryCorpus.Query> queries = QueryCorpus.parse("t", """
                -- a file comment
                -- name: first
                SELECT 1;

                -- name: second
                -- disabled: known bug
                -- a comment about the query
                SELECT ';' AS semicolon
                FROM edge_tiny;
                """);
        assertThat(queries).containsExactly(
                new QueryCorpus.Query("t", "first", "SELECT 1", Optional.empty()),
                new QueryCorpus.Query("t", "second", "SELECT ';' AS semicolon\nFROM edge_tiny", Optional.of("known bug")));
        assertThat(queries.get(1).id()).isEqualTo("t/second");
    }

    @Test
    void rejectsTextOutsideAQueryAndEmptyQueries() {
        assertThatThrownBy(() -> QueryCorpus.parse("t", "SELECT 1;\n-- name: a\nSELECT 2;")).hasMessageContaining("before the first");
        assertThatThrownBy(() -> QueryCorpus.parse("t", "-- name: a\n-- name: b\nSELECT 2;")).hasMessageContaining("'a'");
    }

    @Test
    void theCorpusHasAtLeast150UniquelyNamedQueries() {
        assertThat(QueryCorpus.all()).hasSizeGreaterThanOrEqualTo(150);
    }
}
