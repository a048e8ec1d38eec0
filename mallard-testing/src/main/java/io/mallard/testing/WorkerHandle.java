package io.mallard.testing;

import io.mallard.worker.Worker;

/** A worker started by {@link LocalCluster}: in this JVM, or as a separate process that a test may kill. */
public final class WorkerHandle implements AutoCloseable {
    private final String name;
    private final Worker inProcess;
    private final Process process;
    private final java.nio.file.Path log;

    WorkerHandle(String name, Worker inProcess, Process process) {
        this(name, inProcess, process, null);
    }

    WorkerHandle(String name, Worker inProcess, Process process, java.nio.file.Path log) {
        this.name = name;
        this.inProcess = inProcess;
        this.process = process;
        this.log = log;
    }

    /** The process's output (stdout and stderr), or null for a worker in this JVM. */
    public java.nio.file.Path log() {
        return log;
    }

    /** Waits until the process ended; returns its exit code, or throws when it still runs after the timeout. */
    public int awaitExit(java.time.Duration timeout) throws InterruptedException {
        if (process == null) {
            throw new IllegalStateException("worker " + name + " runs in this JVM");
        }
        if (!process.waitFor(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException("worker " + name + " still runs after " + timeout);
        }
        return process.exitValue();
    }

    public String name() {
        return name;
    }

    public boolean isProcess() {
        return process != null;
    }

    /** The OS process id (for a separate process) or -1. */
    public long pid() {
        return process == null ? -1 : process.pid();
    }

    /** {@code kill -9}: the process dies without telling anyone. */
    public void kill() {
        if (process == null) {
            throw new IllegalStateException("worker " + name + " runs in this JVM; start it as a process to kill it");
        }
        process.destroyForcibly();
        try {
            process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Arrow memory the worker holds (in-process workers only; 0 for processes, which are not observable here). */
    public long allocatedBytes() {
        return inProcess == null ? 0 : inProcess.allocatedBytes();
    }

    public boolean isAlive() {
        return process == null || process.isAlive();
    }

    @Override
    public void close() {
        if (inProcess != null) {
            inProcess.close();
        }
        if (process != null && process.isAlive()) {
            process.destroy();
            try {
                if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
            }
        }
    }
}
