package io.mallard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code mallard worker --table/--expose}: a malformed declaration stops the worker before it connects (a table whose
 * files cannot be read stops it before it joins: {@code LocalTablesTest}).
 */
class WorkerTablesOptionTest {
    @TempDir
    Path dir;

    private CliRun worker(String... options) {
        String[] args = new String[] {"worker", "--coordinator", "127.0.0.1:1", "--insecure", "--ca", dir.resolve("ca.pem").toString(), "--token", "t",
            "--data-dir", dir.resolve("data").toString()};
        String[] all = java.util.Arrays.copyOf(args, args.length + options.length);
        System.arraycopy(options, 0, all, args.length, options.length);
        return CliRun.of(all);
    }

    @Test
    void anUnknownFormatOrAnExposureOfAnUndeclaredTableIsRefused() {
        CliRun format = worker("--table", "readings=" + dir.resolve("r.txt"));
        assertThat(format.exit()).isNotZero();
        assertThat(format.err()).contains("INVALID_ARGUMENT").contains("neither Parquet");
        CliRun duck = worker("--table", "readings=" + dir.resolve("local.duckdb"));
        assertThat(duck.err()).contains("needs the table");
        CliRun expose = worker("--table", "readings=" + dir.resolve("r.csv"), "--expose", "other:a");
        assertThat(expose.err()).contains("--expose other: no such --table");
    }
}
