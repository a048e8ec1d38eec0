package io.mallard.cli.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** Options every `mallard bench` command shares: where data is kept, where results go, profiling. */
final class BenchOptions {
    @Option(names = "--dir", defaultValue = "bench-data",
            description = "Generated data and cluster directories, reused across runs (default: ${DEFAULT-VALUE}).")
    Path dir;

    @Option(names = "--out", defaultValue = "bench-results", description = "Where JSON and SVG results go (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--profile", description = "Record the coordinator and workers with Java Flight Recorder and log their "
            + "timings at debug level (files under the cluster directory's logs/).")
    boolean profile;

    /** JVM options of a cluster process: a JFR recording and debug logs when profiling. */
    List<String> jvmOptions(Path logs, String process) {
        List<String> options = new ArrayList<>();
        if (profile) {
            options.add("-XX:StartFlightRecording=filename=" + logs.resolve(process + ".jfr") + ",settings=profile,dumponexit=true");
            options.add("-Dmallard.log=debug");
        }
        return options;
    }
}
