package io.mallard.common.security;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the coordinator's databases (catalog, metadata with every user's SQL, their WALs and the history journal) to
 * the user that runs it. DuckDB creates its files, and the WAL again after each checkpoint, with the process umask
 * (usually 0644), so the directory that holds them is made 0700 — what keeps a WAL private — and each file Mallard
 * knows is made 0600 as well. Where the file system has no POSIX permissions this does nothing.
 */
public final class OwnerOnlyFiles {
    private static final Logger LOG = LoggerFactory.getLogger(OwnerOnlyFiles.class);
    private static final Set<PosixFilePermission> DIRECTORY = PosixFilePermissions.fromString("rwx------");

    private OwnerOnlyFiles() {
    }

    /** Creates {@code dir} (and its parents) if needed and makes it 0700. */
    public static void directory(Path dir) throws IOException {
        Path absolute = dir.toAbsolutePath();
        Files.createDirectories(absolute);
        if (isPosix(absolute) && !Files.getPosixFilePermissions(absolute).equals(DIRECTORY)) {
            LOG.info("{} holds the coordinator's databases: making it readable by its owner only (0700)", absolute);
            Files.setPosixFilePermissions(absolute, DIRECTORY);
        }
    }

    /** Makes each of {@code files} that exists 0600. */
    public static void files(Path... files) throws IOException {
        for (Path file : files) {
            if (Files.exists(file) && isPosix(file.toAbsolutePath().getParent())) {
                Files.setPosixFilePermissions(file, SecureFiles.OWNER_ONLY);
            }
        }
    }

    /** The attribute that creates a file 0600 in {@code dir}; none where there are no POSIX permissions. */
    public static FileAttribute<?>[] newFile(Path dir) throws IOException {
        return isPosix(dir.toAbsolutePath())
                ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(SecureFiles.OWNER_ONLY)}
                : new FileAttribute<?>[0];
    }

    /** The write-ahead log DuckDB keeps next to a database file. */
    public static Path walOf(Path database) {
        return database.resolveSibling(database.getFileName() + ".wal");
    }

    private static boolean isPosix(Path path) throws IOException {
        return Files.getFileStore(path).supportsFileAttributeView(PosixFileAttributeView.class);
    }
}
