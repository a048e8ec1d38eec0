package io.mallard.data;

import java.io.File;
import java.nio.file.Path;

/**
 * Where test clusters keep the data they generate, so that later clusters of the same parameters reuse it:
 * {@code -Dmallard.test.cache=DIR}, else {@code mallard-test-data} in the temporary directory. A suite that runs test
 * classes in several JVMs at once gives each a name ({@code -Dmallard.test.fork=fork-N}, set by Surefire), and each
 * JVM gets a directory of that name below it: a cluster directory and its catalog are used by one coordinator at a
 * time.
 */
public final class TestDataCache {
    private TestDataCache() {
    }

    public static Path directory() {
        Path base = Path.of(System.getProperty("mallard.test.cache",
                System.getProperty("java.io.tmpdir") + File.separator + "mallard-test-data"));
        String fork = System.getProperty("mallard.test.fork", "");
        return fork.isBlank() ? base : base.resolve(fork);
    }
}
