package io.mallard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** `mallard demo` end to end on small data: separate processes, TLS, every query MATCH, exit 0, nothing left running. */
class DemoCommandTest {
    @TempDir
    Path dir;

    @Test
    void demoMatchesEveryQueryAndStopsItsProcesses() {
        PrintStream original = System.out;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int exit;
        try {
            System.setOut(new PrintStream(bytes, true, StandardCharsets.UTF_8));
            exit = new CommandLine(new DemoCommand()).execute("--sf", "0.01", "--rows", "50000", "--shards", "4",
                    "--workers", "2", "--dir", dir.toString());
        } finally {
            System.setOut(original);
        }
        String out = bytes.toString(StandardCharsets.UTF_8);
        assertThat(exit).as(out).isZero();
        assertThat(out).contains("ALL MATCH").doesNotContain("DIFFERENT").doesNotContain("FAILED");
        assertThat(out.split("MATCH   distributed", -1)).hasSize(7);
        assertThat(out).contains("-- worker SQL:").contains("-- combine SQL:");
        assertThat(ProcessHandle.current().descendants().filter(ProcessHandle::isAlive).count())
                .as("child processes left running").isZero();
    }
}
