package io.mallard.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A {@code mallard} command run as a user runs it, in a process of its own with this JVM's class path; its standard
 * output is kept, and a line starting with the ready prefix says it is up. Closing stops it as Ctrl-C or a service
 * manager would (SIGTERM), and kills it when it does not end within a minute.
 */
final class MallardProcess implements AutoCloseable {
    /** What {@code mallard up} prints once its cluster answers. */
    static final String UP = "Mallard is up";

    private final Process process;
    private final String readyPrefix;
    private final List<String> output = Collections.synchronizedList(new ArrayList<>());
    private final CompletableFuture<Boolean> ready = new CompletableFuture<>();

    private MallardProcess(Process process, String readyPrefix) {
        this.process = process;
        this.readyPrefix = readyPrefix;
        Thread reader = new Thread(this::readLines, "mallard-up-output");
        reader.setDaemon(true);
        reader.start();
    }

    /** Starts {@code mallard up ARGS} with {@code environment} added to this process's own; its errors join its output. */
    static MallardProcess up(List<String> args, Map<String, String> environment) throws IOException {
        List<String> command = new ArrayList<>(List.of("up"));
        command.addAll(args);
        return start(List.of(), command, environment, null, UP);
    }

    /**
     * Starts {@code mallard ARGS} in a JVM with {@code jvmOptions}; its standard error goes to {@code stderr} (null: into
     * its output), and it is up once it prints a line starting with {@code readyPrefix}.
     */
    static MallardProcess start(List<String> jvmOptions, List<String> args, Map<String, String> environment,
            java.io.File stderr, String readyPrefix) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-opens=java.base/java.nio=ALL-UNNAMED"));
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName()));
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command);
        if (stderr == null) {
            builder.redirectErrorStream(true);
        } else {
            builder.redirectError(stderr);
        }
        builder.environment().putAll(environment);
        return new MallardProcess(builder.start(), readyPrefix);
    }

    /** Whether it printed its ready line within five minutes (false: it ended before). */
    boolean awaitUp() throws InterruptedException, ExecutionException, TimeoutException {
        return ready.get(5, TimeUnit.MINUTES);
    }

    /** Waits up to five minutes for it to end by itself and returns its exit code. */
    int awaitExit() throws InterruptedException {
        if (!process.waitFor(5, TimeUnit.MINUTES)) {
            throw new IllegalStateException("the process did not end: " + output());
        }
        return process.exitValue();
    }

    /** A TCP port free on this machine now. */
    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    Process process() {
        return process;
    }

    /** Everything it printed so far, one line each. */
    String output() {
        synchronized (output) {
            return String.join("\n", output);
        }
    }

    private void readLines() {
        try (BufferedReader lines = process.inputReader(StandardCharsets.UTF_8)) {
            String line;
            while ((line = lines.readLine()) != null) {
                output.add(line);
                if (line.startsWith(readyPrefix)) {
                    ready.complete(true);
                }
            }
        } catch (IOException e) {
            ready.completeExceptionally(e);
        }
        ready.complete(false); // the process ended before it was ready
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }
}
