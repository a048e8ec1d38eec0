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

/** `mallard bench` on tiny data: every answer checked, Markdown on stdout, JSON that parses, an SVG chart, no process left. */
class BenchCommandTest {
    @TempDir
    Path dir;

    @Test
    void tpchOverheadAndSimulatedScaleWriteTheirResults() throws IOException {
        Path out = dir.resolve("results");
        String tpch = run("tpch", "--sf", "0.01", "--queries", "1,6", "--runs", "1", "--warmups", "0", "--warmup-seconds", "0",
                "--shards", "2", "--workers", "1", "--dir", dir.resolve("data").toString(), "--out", out.toString());
        assertThat(tpch).contains("| tpch-q1 ").contains("| tpch-q6 ").contains("geometric mean").doesNotContain("DID NOT MATCH");
        JsonNode report = onlyReport(out, "-tpch.json");
        assertThat(report.path("results")).hasSize(2);
        assertThat(report.path("results").get(0).path("check").asText()).isEqualTo("MATCH");
        assertThat(report.path("results").get(0).path("rowsShipped").asLong()).isPositive();
        assertThat(report.path("summary").path("geometricMeanRatio").asDouble()).isPositive();
        assertSvg(out, "-tpch.svg");

        String overhead = run("overhead", "--rows", "0", "--runs", "3", "--warmups", "1", "--warmup-seconds", "0", "--shards", "2", "--workers", "1",
                "--dir", dir.resolve("data").toString(), "--out", out.toString());
        assertThat(overhead).contains("median ms").contains("CPU ms per run (cluster processes)").contains("target median latency");
        JsonNode paths = onlyReport(out, "-overhead.json").path("results");
        assertThat(paths).hasSize(3);
        assertThat(paths.get(0).path("cpuMillisPerRun").asDouble()).as("CPU of the cluster's processes").isPositive();
        assertSvg(out, "-overhead.svg");

        String scale = run("scale", "--simulated", "3", "--runs", "1", "--warmup-seconds", "0", "--dir",
                dir.resolve("data").toString(), "--out", out.toString());
        assertThat(scale).contains("simulated workers");
        JsonNode simulated = onlyReport(out, "-scale.json").path("results").path("simulated").get(0);
        assertThat(simulated.path("check").asText()).isEqualTo("MATCH");
        assertThat(simulated.path("partialRows").asInt()).isGreaterThan(400);
        assertSvg(out, "-scale.svg");

        assertThat(ProcessHandle.current().descendants().filter(ProcessHandle::isAlive).count())
                .as("child processes left running").isZero();
    }

    @Test
    void challengeAndWorkerScaleWriteTheirResults() throws IOException {
        Path out = dir.resolve("results");
        String challenge = run("challenge", "--rows", "20000", "--runs", "1", "--shards", "2", "--workers", "1",
                "--dir", dir.resolve("data").toString(), "--out", out.toString());
        assertThat(challenge).contains("| challenge-count ").contains("| challenge-stations ").contains("rows/s/core")
                .contains("target GROUP BY ratio");
        JsonNode results = onlyReport(out, "-challenge.json").path("results");
        assertThat(results).hasSize(2);
        for (JsonNode r : results) {
            assertThat(r.path("comparison").path("check").asText()).as(r.toString()).isEqualTo("MATCH");
            assertThat(r.path("mallardRowsPerSecondPerCore").asDouble()).isPositive();
            assertThat(r.path("duckdbRowsPerSecondPerCore").asDouble()).isPositive();
        }
        assertThat(results.get(1).path("comparison").path("strategy").asText()).isEqualTo("PUSHDOWN_AGG");
        assertSvg(out, "-challenge.svg");

        String scale = run("scale", "--workers", "1,2", "--sf", "0.01", "--shards", "2", "--queries", "1,6", "--runs", "1",
                "--dir", dir.resolve("data").toString(), "--out", out.toString());
        assertThat(scale).contains("Time against worker processes").contains("| tpch-q1 ").contains("| tpch-q6 ")
                .doesNotContain("(wrong)").doesNotContain("failed");
        JsonNode points = onlyReport(out, "-scale.json").path("results").path("workers");
        assertThat(points).hasSize(2);
        for (JsonNode point : points) {
            assertThat(point.path("queries")).hasSize(2);
            point.path("queries").forEach(q -> assertThat(q.path("check").asText()).as(q.toString()).isEqualTo("MATCH"));
        }
        assertThat(points.get(1).path("workers").asInt()).isEqualTo(2);
        assertSvg(out, "-scale.svg");

        assertThat(ProcessHandle.current().descendants().filter(ProcessHandle::isAlive).count())
                .as("child processes left running").isZero();
    }

    @Test
    void overheadInOneJvmMeasuresThisProcessesCpu() throws IOException {
        Path out = dir.resolve("results");
        String overhead = run("overhead", "--in-process", "--rows", "0", "--runs", "3", "--warmups", "1",
                "--warmup-seconds", "0", "--shards", "2", "--workers", "1", "--dir", dir.resolve("data").toString(),
                "--out", out.toString());
        assertThat(overhead).contains("in one JVM").contains("CPU ms per run (this JVM)");
        JsonNode report = onlyReport(out, "-overhead.json");
        assertThat(report.path("params").path("in_process").asBoolean()).isTrue();
        assertThat(report.path("results").get(0).path("cpuMillisPerRun").asDouble()).isPositive();
        assertThat(report.path("results").get(2).path("cpuMillisPerRun").isNull()).as("no CPU figure for DuckDB").isTrue();
    }

    @Test
    void shardWorkComparesEachPushedDownQueryWithTheWholeData() throws IOException {
        Path out = dir.resolve("results");
        String shards = run("shards", "--sf", "0.01", "--queries", "1,2,12", "--runs", "1", "--shards", "2",
                "--dir", dir.resolve("data").toString(), "--out", out.toString());
        assertThat(shards).contains("| tpch-q1 ").contains("| tpch-q12 ").contains("geometric mean of work ratios");
        JsonNode report = onlyReport(out, "-shards.json");
        JsonNode q1 = report.path("results").get(0);
        assertThat(q1.path("strategy").asText()).isEqualTo("PUSHDOWN_AGG");
        assertThat(q1.path("shardsMs").asDouble()).isPositive();
        assertThat(q1.path("slowestShardMs").asDouble()).isPositive().isLessThanOrEqualTo(q1.path("shardsMs").asDouble());
        assertThat(q1.path("wholeMs").asDouble()).isPositive();
        JsonNode q2 = report.path("results").get(1);
        assertThat(q2.path("strategy").asText()).as("Q2 runs on the coordinator: no shard work").isEqualTo("LOCAL");
        assertThat(q2.path("streams").asInt()).isZero();
        assertThat(report.path("summary").path("geometricMeanWorkRatio").asDouble()).isPositive();
        assertThat(report.path("params").path("disabledOptimizers").asText()).isEqualTo("partial_aggregate_pushdown");
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

    private static JsonNode onlyReport(Path out, String suffix) throws IOException {
        List<Path> files = list(out, suffix);
        assertThat(files).hasSize(1);
        return Json.mapper().readTree(files.get(0).toFile());
    }

    private static void assertSvg(Path out, String suffix) throws IOException {
        List<Path> files = list(out, suffix);
        assertThat(files).hasSize(1);
        assertThat(Files.readString(files.get(0))).startsWith("<svg").contains("</svg>");
    }

    private static List<Path> list(Path out, String suffix) throws IOException {
        try (Stream<Path> files = Files.list(out)) {
            return files.filter(f -> f.getFileName().toString().endsWith(suffix)).toList();
        }
    }
}
