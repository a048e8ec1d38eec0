package io.mallard.testing;

import io.mallard.worker.Worker;

/** A worker started by {@link LocalCluster}: in this JVM, or as a separate process that a test may kill. */
public final class WorkerHandle implements AutoCloseable {
    private final String name;
    private final Worker inProcess;
    private final Process process;

    WorkerHandle(String name, Worker inProcess, Process process) {
        this.name = name;
        this.inProcess = inProcess;
        this.process = process;
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
