package io.mallard.worker;

import io.mallard.common.ParentWatch;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * A bare worker entry point for process-level tests and embedded launchers ({@code mallard worker} is the user-facing
 * command). Arguments: {@code --coordinator HOST:PORT --ca FILE --token TOKEN --name NAME --data-dir DIR
 * [--cert FILE --key FILE] [--table NAME=PATH]… [--expose NAME:COL,…]… [--task-delay-ms N] [--upload-pause-ms N] [--fault-hooks FILE] [--drain-timeout-ms N] [--exit-with-parent PID]}. SIGTERM drains
 * the worker (see {@link Worker#drain()}).
 */
public final class WorkerMain {
    private WorkerMain() {
    }

    public static void main(String[] args) throws Exception {
        io.mallard.common.duck.DuckNative.loadAndUnlink(); // nothing left in the temp directory, even after kill -9
        Map<String, String> options = new HashMap<>();
        java.util.List<String> tables = new java.util.ArrayList<>();
        java.util.List<String> exposes = new java.util.ArrayList<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--table" -> tables.add(args[i + 1]); // repeatable
                case "--expose" -> exposes.add(args[i + 1]);
                default -> options.put(args[i], args[i + 1]);
            }
        }
        String[] address = options.get("--coordinator").split(":");
        WorkerConfig config = new WorkerConfig(address[0], Integer.parseInt(address[1]), Path.of(options.get("--ca")),
                options.get("--token"), options.getOrDefault("--name", "worker"), Path.of(options.get("--data-dir")),
                2, Long.parseLong(options.getOrDefault("--task-delay-ms", "0")), false)
                .withUploadPause(Long.parseLong(options.getOrDefault("--upload-pause-ms", "0")))
                .withDrainTimeout(Long.parseLong(options.getOrDefault("--drain-timeout-ms",
                        Long.toString(WorkerConfig.DEFAULT_DRAIN_TIMEOUT_MILLIS))));
        if (options.containsKey("--cert") || options.containsKey("--key")) {
            config = config.withClientCertificate(new WorkerConfig.ClientCertificate(
                    options.containsKey("--cert") ? Path.of(options.get("--cert")) : null,
                    options.containsKey("--key") ? Path.of(options.get("--key")) : null));
        }
        if (options.containsKey("--exit-with-parent")) {
            ParentWatch.exitWhenGone(Long.parseLong(options.get("--exit-with-parent")));
        }
        Worker worker;
        try {
            worker = Worker.start(config, LocalTableSpec.parse(tables, exposes));
        } catch (io.mallard.common.MallardException e) {
            System.err.println("error: " + e.describe());
            System.exit(2);
            return;
        }
        if (options.containsKey("--fault-hooks")) {
            worker.useFaultHooks(Path.of(options.get("--fault-hooks")));
        }
        // SIGTERM drains: running tasks end and the shards are taken over by other workers before this one leaves
        Runtime.getRuntime().addShutdownHook(new Thread(worker::drain));
        System.out.println("worker " + worker.workerId() + " running");
        worker.awaitStopped(); // also when the coordinator drained it
        System.exit(0);
    }
}
