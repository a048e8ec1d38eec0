package io.mallard.coordinator.system;

import static org.assertj.core.api.Assertions.assertThat;

import io.mallard.coordinator.scheduling.QueryStats;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The history's journal: statements it holds that the history lacks (the coordinator was killed before their batch was
 * written) are written when the store opens, once; then the journal is empty.
 */
class HistoryJournalTest {
    @TempDir
    Path dir;

    @Test
    void statementsOnlyInTheJournalAreWrittenWhenTheStoreOpensAndNoneTwice() throws Exception {
        Path file = dir.resolve("metadata.duckdb");
        QueryRecord written = query("q-written", "SELECT 1");
        try (MetadataStore store = MetadataStore.open(file)) {
            store.record(written);
        } // closing writes it
        QueryRecord lost = query("q-lost", "SELECT 'killed before its batch'");
        try (HistoryJournal journal = new HistoryJournal(MetadataStore.journalOf(file))) {
            journal.append(written); // as if the kill came after its batch but before the journal was emptied
            journal.append(lost);
        }
        Files.writeString(MetadataStore.journalOf(file), "{\"queryId\":\"torn", java.nio.file.StandardOpenOption.APPEND);

        try (MetadataStore store = MetadataStore.open(file)) {
            assertThat(count(store, "q-written")).isEqualTo(1);
            assertThat(count(store, "q-lost")).isEqualTo(1);
            assertThat(tasks(store, "q-lost")).isEqualTo(2);
        }
        assertThat(HistoryJournal.read(MetadataStore.journalOf(file))).as("emptied once written").isEmpty();
    }

    @Test
    void aRecordedStatementIsInTheJournalUntilItsBatchIsWritten() throws Exception {
        Path file = dir.resolve("metadata.duckdb");
        try (MetadataStore store = MetadataStore.open(file)) {
            store.record(query("q-1", "SELECT 2"));
            // right after record: either still journaled, or already written by the background batch
            List<QueryRecord> journaled = HistoryJournal.read(MetadataStore.journalOf(file));
            assertThat(journaled.size() + count(store, "q-1")).isGreaterThanOrEqualTo(1);
            store.awaitWrites();
            assertThat(count(store, "q-1")).isEqualTo(1);
            assertThat(HistoryJournal.read(MetadataStore.journalOf(file))).isEmpty();
        }
    }

    private static QueryRecord query(String id, String sql) {
        QueryStats stats = new QueryStats("PUSHDOWN_AGG", List.of(
                new QueryStats.TaskStats("tpch-000", "__mallard_partials", 1, "w1", 3, 100, "finished", 5),
                new QueryStats.TaskStats("tpch-001", "__mallard_partials", 2, "w2", 4, 120, "finished", 9)));
        return new QueryRecord(id, sql, "admin", "s1", Instant.parse("2026-01-02T03:04:05.678Z"), 12, stats, 1, "finished",
                null, null);
    }

    private static long count(MetadataStore store, String queryId) throws Exception {
        return scalar(store, "SELECT count(*) FROM history.queries WHERE query_id = ?", queryId);
    }

    private static long tasks(MetadataStore store, String queryId) throws Exception {
        return scalar(store, "SELECT count(*) FROM history.tasks WHERE query_id = ?", queryId);
    }

    private static long scalar(MetadataStore store, String sql, String value) throws Exception {
        try (Connection connection = store.newConnection(); PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setString(1, value);
            try (ResultSet rs = statement.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}
