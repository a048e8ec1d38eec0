package io.mallard.coordinator.server;

import io.mallard.common.ParentWatch;
import io.mallard.coordinator.CompactionPolicy;
import io.mallard.coordinator.CoordinatorConfig;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * A bare coordinator entry point for process-level tests ({@code mallard coordinator} is the user-facing command).
 * Arguments: {@code --dir DIR --port PORT [--host ADDRESS] [--advertise-host HOST] [--lease-ms N] [--replicas R]
 * [--metadata-file FILE] [--compaction-interval-ms N] [--suspect-ms N] [--speculation-multiplier X]
 * [--speculation-min-ms N] [--query-timeout-ms N] [--max-running-queries N] [--memory-bytes N] [--spill-dir DIR]
 * [--http-port PORT] [--exit-with-parent PID]}; compaction runs (with the default thresholds) only when its interval is given. Prints
 * one line with the port once it listens.
 */
public final class CoordinatorMain {
    private CoordinatorMain() {
    }

    public static void main(String[] args) throws Exception {
        io.mallard.common.duck.DuckNative.loadAndUnlink(); // nothing left in the temp directory, even after kill -9
        Map<String, String> options = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            options.put(args[i], args[i + 1]);
        }
        if (options.containsKey("--exit-with-parent")) {
            ParentWatch.exitWhenGone(Long.parseLong(options.get("--exit-with-parent")));
        }
        long lease = Long.parseLong(options.getOrDefault("--lease-ms", "10000"));
        CoordinatorConfig config = CoordinatorConfig.defaults(Path.of(options.get("--dir")))
                .withPort(Integer.parseInt(options.getOrDefault("--port", "0")))
                .withLease(lease, Math.min(1000, lease / 3))
                .withReplicas(Integer.parseInt(options.getOrDefault("--replicas", "1")))
                .withHttpPort(Integer.parseInt(options.getOrDefault("--http-port", "0")));
        if (options.containsKey("--metadata-file")) {
            config = config.withMetadataFile(Path.of(options.get("--metadata-file")));
        }
        // compaction is off unless a test asks for it
        config = config.withCompaction(options.containsKey("--compaction-interval-ms")
                ? CompactionPolicy.DEFAULTS.withInterval(Long.parseLong(options.get("--compaction-interval-ms")))
                : CompactionPolicy.OFF);
        if (options.containsKey("--host")) {
            config = config.withHost(options.get("--host"), options.getOrDefault("--advertise-host", options.get("--host")));
        }
        CoordinatorConfig.Faults faults = CoordinatorConfig.Faults.DEFAULTS;
        config = config.withFaults(new CoordinatorConfig.Faults(
                Long.parseLong(options.getOrDefault("--suspect-ms", Long.toString(faults.suspectMillis()))),
                Double.parseDouble(options.getOrDefault("--speculation-multiplier",
                        Double.toString(faults.speculationMultiplier()))),
                Long.parseLong(options.getOrDefault("--speculation-min-ms", Long.toString(faults.speculationMinMillis())))));
        if (options.containsKey("--query-timeout-ms")) {
            config = config.withQueryTimeout(Long.parseLong(options.get("--query-timeout-ms")));
        }
        CoordinatorConfig.Limits limits = CoordinatorConfig.Limits.DEFAULTS;
        config = config.withLimits(new CoordinatorConfig.Limits(
                Integer.parseInt(options.getOrDefault("--max-running-queries", Integer.toString(limits.maxRunningQueries()))),
                Long.parseLong(options.getOrDefault("--memory-bytes", "0")),
                options.containsKey("--spill-dir") ? Path.of(options.get("--spill-dir")) : null));
        Coordinator coordinator = Coordinator.start(config);
        CountDownLatch stop = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            coordinator.close();
            stop.countDown();
        }));
        System.out.println("coordinator listening on port " + coordinator.port());
        System.out.flush();
        stop.await();
    }
}
