package io.mallard.coordinator.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The metadata database holds every user's SQL: its directory is the owner's alone (0700, which is what keeps the WAL
 * DuckDB creates with the umask private) and the database file and the history journal are 0600, also when the
 * directory was world-readable before.
 */
class MetadataFilesTest {
    @Test
    void theMetadataFileItsWalAndTheJournalAreReadableByTheOwnerOnly(@TempDir Path temp) throws Exception {
        Path dir = Files.createDirectories(temp.resolve("coordinator"));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path file = dir.resolve("metadata.duckdb");
        try (MetadataStore store = MetadataStore.open(file)) {
            store.record(new QueryRecord("q1", "SELECT 'a secret'", "alice", "s1", Instant.now(), 1, null, 1, "finished",
                    null, null));
            store.awaitWrites();
            assertThat(Files.getPosixFilePermissions(dir)).isEqualTo(PosixFilePermissions.fromString("rwx------"));
            assertThat(Files.getPosixFilePermissions(file)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
            Path journal = MetadataStore.journalOf(file);
            assertThat(journal).exists();
            assertThat(Files.getPosixFilePermissions(journal)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
            Path wal = dir.resolve("metadata.duckdb.wal");
            assertThat(wal).as("the batch just written is in the WAL").exists();
            assertThat(wal.getParent()).isEqualTo(dir); // so only the owner can reach it, whatever its own mode
        }
        // a second start tightens what an earlier version left readable
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        try (MetadataStore store = MetadataStore.open(file)) {
            assertThat(Files.getPosixFilePermissions(dir)).isEqualTo(PosixFilePermissions.fromString("rwx------"));
            assertThat(Files.getPosixFilePermissions(file)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        }
    }
}
