package io.mallard.coordinator.imports;

import java.nio.file.Path;
import java.util.List;

/** The local files a name in a statement stands for ({@link ImportSession} is the real one). */
@FunctionalInterface
public interface SourceFiles {
    /**
     * @param name     a path, pattern or URL as the statement wrote it
     * @param position where it is in the statement, for errors
     */
    List<Path> files(String name, int position);
}
