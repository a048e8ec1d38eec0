package io.mallard.cli;

import io.mallard.client.ConnectOptions;
import io.mallard.client.MallardClient;
import io.mallard.client.MallardSqlClient;
import io.mallard.common.MallardException;
import io.mallard.common.security.Credentials;
import io.mallard.coordinator.ClusterLayout;
import io.mallard.coordinator.bootstrap.Bootstrap;
import io.mallard.protocol.Messages;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;

/**
 * The embedded default: a coordinator and N workers as separate JVMs on loopback, started from this executable and
 * stopped with it (also when this process is killed: children watch their parent).
 */
public final class ProcessCluster implements AutoCloseable {
    private final Path dir;
    private final int port;
    private final int webPort;
    private final List<Process> processes = new ArrayList<>();
    private final Thread shutdownHook = new Thread(this::stopAll, "mallard-stop-children");

    private ProcessCluster(Path dir, int port, int webPort) {
        this.dir = dir;
        this.port = port;
        this.webPort = webPort;
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    public static ProcessCluster start(Path dir, int workers, int port, PrintStream out) throws IOException, InterruptedException {
        return start(dir, workers, port, out, name -> List.of());
    }

    /** As {@link #start(Path, int, int, PrintStream)}, with extra JVM options per process name (profiling). */
    public static ProcessCluster start(Path dir, int workers, int port, PrintStream out,
            java.util.function.Function<String, List<String>> jvmOptions) throws IOException, InterruptedException {
        return start(dir, workers, port, out, jvmOptions, List.of());
    }

    /**
     * As {@link #start(Path, int, int, PrintStream, java.util.function.Function)}, with extra options of the coordinator
     * (its store, imports, {@code --no-compaction}). The coordinator inherits this process's environment (S3 credentials
     * included); the workers do not get any S3 credential.
     */
    public static ProcessCluster start(Path dir, int workers, int port, PrintStream out,
            java.util.function.Function<String, List<String>> jvmOptions, List<String> coordinatorArgs)
            throws IOException, InterruptedException {
        return start(dir, workers, port, 0, out, jvmOptions, coordinatorArgs);
    }

    /**
     * As {@link #start(Path, int, int, PrintStream, java.util.function.Function, List)}, with the coordinator's web port
     * ({@code /metrics}, {@code /health}, {@code /ready}); 0 picks a free one.
     */
    public static ProcessCluster start(Path dir, int workers, int port, int webPort, PrintStream out,
            java.util.function.Function<String, List<String>> jvmOptions, List<String> coordinatorArgs)
            throws IOException, InterruptedException {
        int chosen = port == 0 ? freePort() : port;
        int web = webPort == 0 ? freePort() : webPort;
        ProcessCluster cluster = new ProcessCluster(dir, chosen, web);
        try {
            Path logs = Files.createDirectories(dir.resolve("logs"));
            out.println("starting coordinator on 127.0.0.1:" + chosen + " (log: " + logs.resolve("coordinator.log") + ")");
            List<String> coordinator = new ArrayList<>(List.of("coordinator", "--dir", dir.toString(), "--port",
                    Integer.toString(chosen), "--http-port", Integer.toString(web)));
            coordinator.addAll(coordinatorArgs);
            cluster.launch(logs.resolve("coordinator.log"), List.of(), jvmOptions.apply("coordinator"),
                    coordinator.toArray(String[]::new));
            cluster.awaitCoordinator(60_000);
            String token = Credentials.load(dir).joinToken();
            for (int i = 1; i <= workers; i++) {
                String name = "worker-" + i;
                out.println("starting " + name + " (log: " + logs.resolve(name + ".log") + ")");
                cluster.launch(logs.resolve(name + ".log"), List.of("MALLARD_JOIN_TOKEN=" + token), jvmOptions.apply(name), "worker",
                        "--coordinator", "127.0.0.1:" + chosen, "--ca", new ClusterLayout(dir).caCertificate().toString(),
                        "--name", name, "--data-dir", dir.resolve("workers").resolve(name).toString());
            }
            cluster.awaitShardsServed(workers, 300_000, out);
            return cluster;
        } catch (IOException | InterruptedException | RuntimeException e) {
            cluster.close();
            throw e;
        }
    }

    public int port() {
        return port;
    }

    /**
     * Starts one more worker process named {@code name} with extra options (local tables: {@code --table …},
     * {@code --expose …}); its log is {@code logs/NAME.log}. Stopped with the cluster, or earlier by {@link #stop}.
     */
    public Process startWorker(String name, List<String> options) throws IOException {
        List<String> args = new ArrayList<>(List.of("worker", "--coordinator", "127.0.0.1:" + port, "--ca",
                new ClusterLayout(dir).caCertificate().toString(), "--name", name, "--data-dir",
                dir.resolve("workers").resolve(name).toString()));
        args.addAll(options);
        launch(dir.resolve("logs").resolve(name + ".log"), List.of("MALLARD_JOIN_TOKEN=" + Credentials.load(dir).joinToken()),
                List.of(), args.toArray(String[]::new));
        return processes.get(processes.size() - 1);
    }

    /** Stops one process as SIGTERM does (a worker drains and leaves) and waits for it to end. */
    public void stop(Process process) {
        process.destroy();
        awaitExit(List.of(process));
    }

    /** The coordinator's web address: {@code /metrics}, {@code /health}, {@code /ready}. */
    public String webUrl() {
        return "https://127.0.0.1:" + webPort + "/";
    }

    /** A client logged in as the admin user; the caller closes it. */
    public MallardClient client() throws IOException {
        return MallardClient.connect("127.0.0.1", port, new ClusterLayout(dir).caCertificate(), "admin",
                Bootstrap.adminPassword(dir));
    }

    /** The SQL prompt against this cluster, as the admin user, on this process's terminal. */
    void shell() throws IOException {
        ConnectOptions options = ConnectOptions.tls("127.0.0.1", port, "admin", Bootstrap.adminPassword(dir),
                new ClusterLayout(dir).caCertificate());
        try (MallardSqlClient client = MallardSqlClient.connect(options);
                Terminal terminal = TerminalBuilder.builder().system(true).build()) {
            SqlCommand.interactive(client, terminal, ResultFormat.BOX, null, options);
        }
    }

    private void launch(Path log, List<String> environment, List<String> jvm, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-opens=java.base/java.nio=ALL-UNNAMED"));
        command.addAll(jvm);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName()));
        command.addAll(List.of(args));
        command.addAll(List.of("--exit-with-parent", Long.toString(ProcessHandle.current().pid())));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        if (!"coordinator".equals(args[0])) {
            // only the coordinator holds store and import credentials; workers download with pre-signed URLs
            builder.environment().keySet().removeIf(ProcessCluster::isS3Credential);
        }
        for (String entry : environment) {
            int eq = entry.indexOf('=');
            builder.environment().put(entry.substring(0, eq), entry.substring(eq + 1));
        }
        processes.add(builder.start());
    }

    /** {@code AWS_…} and {@code MALLARD_IMPORT_AWS_…} variables: keys, secrets, session tokens, profiles. */
    static boolean isS3Credential(String variable) {
        return variable.startsWith("AWS_") || variable.startsWith("MALLARD_IMPORT_AWS_");
    }

    private void awaitCoordinator(long timeoutMillis) throws InterruptedException, IOException {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        while (true) {
            checkAlive();
            try (MallardClient client = client()) {
                client.status();
                return;
            } catch (MallardException e) {
                if (System.currentTimeMillis() > deadline) {
                    throw new IOException("the coordinator did not come up: " + e.getMessage() + "; see " + dir.resolve("logs"));
                }
                TimeUnit.MILLISECONDS.sleep(200);
            }
        }
    }

    private void awaitShardsServed(int workers, long timeoutMillis, PrintStream out) throws InterruptedException, IOException {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        String last = "";
        try (MallardClient client = client()) {
            while (true) {
                checkAlive();
                Messages.ClusterStatus status = client.status();
                long served = status.shards().stream().filter(s -> !s.trustedOn().isEmpty()).count();
                String line = "workers registered: " + status.workers().size() + "/" + workers + ", shards verified and proved: "
                        + served + "/" + status.shards().size();
                if (!line.equals(last)) {
                    out.println("  " + line);
                    last = line;
                }
                if (status.workers().size() >= workers && status.allShardsServed()) {
                    return;
                }
                if (System.currentTimeMillis() > deadline) {
                    throw new IOException("cluster not ready after " + timeoutMillis / 1000 + " s (" + line + "); see "
                            + dir.resolve("logs"));
                }
                TimeUnit.MILLISECONDS.sleep(200);
            }
        }
    }

    private void checkAlive() throws IOException {
        for (Process p : processes) {
            if (!p.isAlive()) {
                throw new IOException("a cluster process exited with code " + p.exitValue() + "; see " + dir.resolve("logs"));
            }
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** Workers first (they tell the coordinator they leave), then the coordinator. */
    private void stopAll() {
        List<Process> workersFirst = new ArrayList<>(processes.subList(Math.min(1, processes.size()), processes.size()));
        workersFirst.forEach(Process::destroy);
        awaitExit(workersFirst);
        if (!processes.isEmpty()) {
            processes.get(0).destroy();
        }
        awaitExit(processes);
        processes.clear();
    }

    private static void awaitExit(List<Process> toStop) {
        for (Process p : toStop) {
            try {
                if (!p.waitFor(10, TimeUnit.SECONDS)) {
                    p.destroyForcibly().waitFor();
                }
            } catch (InterruptedException e) {
                p.destroyForcibly();
            }
        }
    }

    /** CPU time used so far by the coordinator and worker processes together (what the OS reports for each). */
    public java.time.Duration cpuTime() {
        java.time.Duration total = java.time.Duration.ZERO;
        for (Process p : processes) {
            total = total.plus(p.info().totalCpuDuration().orElse(java.time.Duration.ZERO));
        }
        return total;
    }

    @Override
    public void close() {
        stopAll();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException e) {
            // already shutting down: the hook is running
        }
    }
}
