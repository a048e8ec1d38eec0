package io.mallard.common.security;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Writes files atomically with chosen POSIX permissions, so a secret is never briefly world-readable. */
public final class SecureFiles {
    private static final Logger LOG = LoggerFactory.getLogger(SecureFiles.class);
    static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");
    static final Set<PosixFilePermission> WORLD_READABLE = PosixFilePermissions.fromString("rw-r--r--");

    private SecureFiles() {}

    /** Replaces {@code file} with {@code content}, mode 0600 where POSIX permissions exist. */
    public static void writeOwnerOnly(Path file, byte[] content) throws IOException {
        write(file, content, OWNER_ONLY);
    }

    /** Replaces {@code file} with {@code content}, mode 0644 where POSIX permissions exist. */
    static void writeWorldReadable(Path file, byte[] content) throws IOException {
        write(file, content, WORLD_READABLE);
    }

    /** Logs a warning when a secret file can be read by the group or others. */
    public static void warnIfReadableByOthers(Path file) throws IOException {
        if (isPosix(file.toAbsolutePath().getParent())) {
            Set<PosixFilePermission> perms = EnumSet.copyOf(Files.getPosixFilePermissions(file));
            perms.retainAll(EnumSet.of(PosixFilePermission.GROUP_READ, PosixFilePermission.OTHERS_READ));
            if (!perms.isEmpty()) {
                LOG.warn("{} holds secrets but is readable by {}; run chmod 600 on it", file, perms);
            }
        }
    }

    private static void write(Path file, byte[] content, Set<PosixFilePermission> perms)
            throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        boolean posix = isPosix(dir);
        String prefix = "." + file.getFileName() + ".";
        // The temporary file is created owner-only, written, then renamed over the target.
        Path tmp = posix
                ? Files.createTempFile(dir, prefix, ".tmp", PosixFilePermissions.asFileAttribute(OWNER_ONLY))
                : Files.createTempFile(dir, prefix, ".tmp");
        try {
            Files.write(tmp, content);
            if (posix) {
                Files.setPosixFilePermissions(tmp, perms);
            }
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException | RuntimeException e) {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e;
        }
    }

    private static boolean isPosix(Path dir) throws IOException {
        return Files.getFileStore(dir).supportsFileAttributeView(PosixFileAttributeView.class);
    }
}
