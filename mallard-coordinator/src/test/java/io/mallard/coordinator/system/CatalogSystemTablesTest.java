package io.mallard.coordinator.system;

import static org.assertj.core.api.Assertions.assertThat;

import io.mallard.coordinator.catalog.CommitRecord;
import io.mallard.coordinator.catalog.TableSummary;
import io.mallard.data.TableRole;
import io.mallard.protocol.Messages;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code mallard.tables} and {@code mallard.commits} in the metadata database: every user sees who changed what, only an
 * admin the statements' text; commits are copied once each, as they come.
 */
class CatalogSystemTablesTest {
    private static final Instant T1 = Instant.parse("2026-12-06T10:00:00Z");
    private static final Instant T2 = Instant.parse("2026-12-06T10:05:00Z");

    @Test
    void commitsShowTheirStatementOnlyToAdminsAndAreCopiedOnce(@TempDir Path dir) throws Exception {
        List<CommitRecord> log = new ArrayList<>(List.of(
                new CommitRecord(1, T1, "admin", "CREATE TABLE", "ev", "CREATE TABLE ev (secret VARCHAR)", 0, 0),
                new CommitRecord(2, T2, "admin", "INSERT", "ev", "INSERT INTO ev VALUES ('hunter2')", 1, 0)));
        List<Long> asked = new ArrayList<>();
        SystemTables.CatalogSource catalog = new SystemTables.CatalogSource(
                () -> List.of(new TableSummary("ev", TableRole.PARTITIONED, List.of("secret"), 4, 1, 2048, 1, 2, T2)),
                after -> {
                    asked.add(after);
                    return log.stream().filter(c -> c.version() > after).toList();
                });
        try (BufferAllocator allocator = new RootAllocator();
                MetadataStore store = MetadataStore.open(dir.resolve("metadata.duckdb"))) {
            SystemTables system = new SystemTables(store, () -> new Messages.ClusterStatus(List.of(), List.of()), List::of,
                    catalog, allocator);
            String sql = "SELECT version, user_name, kind, table_name, statement, rows_added FROM mallard.commits ORDER BY version";

            assertThat(SystemRows.of(system, sql, new SystemTables.Viewer("reader", false, "s1"))).containsExactly(
                    List.of(1L, "admin", "CREATE TABLE", "ev", "null", 0L),
                    List.of(2L, "admin", "INSERT", "ev", "null", 1L));
            log.add(new CommitRecord(3, T2, "mallard", "COMPACT", "ev", "compaction of shard-001", 0, 0));
            assertThat(SystemRows.of(system, sql, new SystemTables.Viewer("admin", true, "s2"))).extracting(r -> r.get(4))
                    .containsExactly("CREATE TABLE ev (secret VARCHAR)", "INSERT INTO ev VALUES ('hunter2')",
                            "compaction of shard-001");
            assertThat(asked).as("each refresh asks only for commits it has not copied").containsExactly(0L, 2L);

            assertThat(SystemRows.of(system, "SELECT name, role, array_to_string(shard_key, ','), shard_count, rows, bytes, files, version, "
                    + "CAST(last_commit AS VARCHAR) FROM mallard.tables", new SystemTables.Viewer("reader", false, "s1")))
                    .containsExactly(List.of("ev", "partitioned", "secret", 4, 1L, 2048L, 1, 2L, "2026-12-06 10:05:00"));
        }
    }
}
