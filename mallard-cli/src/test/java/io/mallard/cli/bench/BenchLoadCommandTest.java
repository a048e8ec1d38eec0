package io.mallard.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.mallard.cli.Main;
import io.mallard.common.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * `mallard bench load` on a small file: both sides timed, every load checked by counting its rows in the cluster, the
 * visibility of small INSERTs measured, Markdown on stdout and JSON that parses, no process left.
 */
class BenchLoadCommandTest {
    @TempDir
    Path dir;

    @Test
    void loadAndVisibilityWriteTheirResults() throws IOException {
        Path out = dir.resolve("results");
        String report = run("load", "--rows", "30000", "--runs", "2", "--warmups", "1", "--inserts", "3", "--insert-rows", "100",
                "--shards", "2", "--workers", "1", "--dir", dir.resolve("data").toString(), "--out", out.toString());
        assertThat(report).contains("| mallard load ").contains("| DuckDB CREATE TABLE AS ").contains("| client reading alone ")
                .contains("| reading, sent over Flight with TLS ").contains("| reading, DuckDB's import of the Arrow stream ").contains("| reading, written to 2 shard files as the ingest writes them ")
                .contains("ratio of rates").contains("floor of this path on this machine").contains("target load rate ratio")
                .contains("target median INSERT-to-visible");
        assertThat(Files.exists(dir.resolve("data").resolve("load").resolve("readings-30000.parquet"))).isTrue();

        List<Path> files;
        try (Stream<Path> listed = Files.list(out)) {
            files = listed.filter(f -> f.getFileName().toString().endsWith("-load.json")).toList();
        }
        assertThat(files).hasSize(1);
        JsonNode json = Json.mapper().readTree(files.get(0).toFile());
        JsonNode load = json.path("results").path("load");
        assertThat(load).hasSize(6);
        for (JsonNode side : load) {
            assertThat(side.path("millis")).as(side.toString()).hasSize(2);
            assertThat(side.path("rowsPerSecond").asDouble()).as(side.toString()).isPositive();
            assertThat(side.path("medianCpuMillis").asDouble()).as(side.toString()).isPositive();
        }
        assertThat(json.path("results").path("clusterCpuMillisPerLoad")).hasSize(2);
        JsonNode visibility = json.path("results").path("visibility");
        assertThat(visibility.path("visibleMillis")).hasSize(3);
        assertThat(visibility.path("queries").get(0).asInt()).isPositive();
        assertThat(json.path("summary").path("loadRatio").asDouble()).isPositive();
        // the floor is the parts' CPU over the cores: at least the client's reading alone
        JsonNode floor = json.path("results").path("floor");
        assertThat(floor.path("cpuMillis").asDouble()).isGreaterThanOrEqualTo(load.get(2).path("medianCpuMillis").asDouble());
        assertThat(floor.path("millis").asDouble()).isEqualTo(floor.path("cpuMillis").asDouble() / floor.path("cores").asInt());
        assertThat(json.path("summary").path("bestRatioOnThisMachine").asDouble()).isPositive();
        assertThat(json.path("params").path("rows").asLong()).isEqualTo(30000);
        assertThat(ProcessHandle.current().descendants().filter(ProcessHandle::isAlive).count())
                .as("child processes left running").isZero();
    }

    private static String run(String... args) {
        PrintStream original = System.out;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int exit;
        try {
            System.setOut(new PrintStream(bytes, true, StandardCharsets.UTF_8));
            String[] all = Stream.concat(Stream.of("bench"), Stream.of(args)).toArray(String[]::new);
            exit = new CommandLine(new Main()).execute(all);
        } finally {
            System.setOut(original);
        }
        String out = bytes.toString(StandardCharsets.UTF_8);
        assertThat(exit).as(out).isZero();
        return out;
    }
}
