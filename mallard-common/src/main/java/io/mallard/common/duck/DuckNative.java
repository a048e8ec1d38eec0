package io.mallard.common.duck;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * DuckDB's JDBC driver unpacks its native library (about 70 MB) into the temporary directory on first use and deletes
 * it when the JVM exits normally; a process that is killed leaves it behind, and a cluster whose workers are killed
 * and restarted fills the disk. Processes of Mallard load the library at start and remove the unpacked file at once:
 * on Linux the loaded library stays mapped, and nothing is left whatever way the process ends.
 */
public final class DuckNative {
    private static final Path MAPS = Path.of("/proc/self/maps");

    private DuckNative() {
    }

    /**
     * Loads the library and deletes the files of it that this process unpacked; returns what it deleted. Does nothing
     * where the process's mappings cannot be read (not Linux); a library that does not load is reported by the driver
     * on first use, as without this call.
     */
    public static List<Path> loadAndUnlink() {
        try {
            Class.forName("org.duckdb.DuckDBNative", true, DuckNative.class.getClassLoader());
        } catch (ClassNotFoundException | LinkageError | RuntimeException e) {
            return List.of();
        }
        if (!Files.isReadable(MAPS)) {
            return List.of();
        }
        Path tmp = Path.of(System.getProperty("java.io.tmpdir")).toAbsolutePath().normalize();
        try (Stream<String> lines = Files.lines(MAPS)) {
            List<Path> unpacked = lines.map(line -> line.indexOf('/') < 0 ? "" : line.substring(line.indexOf('/')))
                    .filter(file -> file.contains("libduckdb_java") && !file.endsWith("(deleted)"))
                    .distinct().map(Path::of).filter(file -> file.startsWith(tmp)).toList();
            for (Path file : unpacked) {
                Files.deleteIfExists(file);
            }
            return unpacked;
        } catch (IOException | RuntimeException e) {
            return List.of(); // left for the driver's delete-on-exit, as before
        }
    }
}
