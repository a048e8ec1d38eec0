package io.mallard.coordinator.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The catalog database (tables, files, the commit log with its statements) is the owner's alone. */
class CatalogFilesTest {
    @Test
    void theCatalogFileAndItsDirectoryAreReadableByTheOwnerOnly(@TempDir Path temp) throws Exception {
        Path dir = Files.createDirectories(temp.resolve("coordinator"));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path file = dir.resolve("catalog.duckdb");
        try (CatalogStore store = CatalogStore.open(file)) {
            assertThat(Files.getPosixFilePermissions(dir)).isEqualTo(PosixFilePermissions.fromString("rwx------"));
            assertThat(Files.getPosixFilePermissions(file)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        }
    }
}
