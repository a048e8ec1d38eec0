package io.mallard.bench.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.mallard.common.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Map;

/**
 * The JSON record of one benchmark run: what ran, on which machine, with which parameters, every sample, and the
 * summary figures. Written as {@code <out>/<yyyyMMdd-HHmmss>-<benchmark>.json}, next to its chart.
 *
 * @param results one entry per query (or per configuration), with every timed sample
 * @param summary the headline figures (geometric mean, targets met or missed)
 */
public record BenchReport(String benchmark, String startedAt, Machine machine, Map<String, Object> params, Object results,
        Map<String, Object> summary) {

    /** A file stem for this run's outputs: {@code <timestamp>-<benchmark>}. */
    public static String stem(LocalDateTime startedAt, String benchmark) {
        return startedAt.format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")) + "-" + benchmark;
    }

    /** Writes {@code <dir>/<stem>.json} (pretty-printed) and returns its path. */
    public Path write(Path dir, String stem) throws IOException {
        Files.createDirectories(dir);
        Path file = dir.resolve(stem + ".json");
        try {
            Files.writeString(file, Json.mapper().copy().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(this));
        } catch (JsonProcessingException e) {
            throw new IOException("cannot encode the " + benchmark + " report: " + e.getMessage(), e);
        }
        return file;
    }
}
