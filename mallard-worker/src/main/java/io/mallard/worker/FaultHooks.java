package io.mallard.worker;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Properties;

/**
 * Fault injection for tests, never set in production: how long a task waits before it runs ({@code task-delay-ms})
 * and how long its upload pauses after the first batch ({@code upload-pause-ms}), read from a properties file whenever
 * it changed, so that a test can reshape a running worker's timing between trials without restarting it.
 */
final class FaultHooks {
    private final Path file;
    private long taskDelayMillis;
    private long uploadPauseMillis;
    private FileTime readAt;

    FaultHooks(Path file, long taskDelayMillis, long uploadPauseMillis) {
        this.file = file;
        this.taskDelayMillis = taskDelayMillis;
        this.uploadPauseMillis = uploadPauseMillis;
    }

    synchronized long taskDelayMillis() {
        reload();
        return taskDelayMillis;
    }

    synchronized long uploadPauseMillis() {
        reload();
        return uploadPauseMillis;
    }

    private void reload() {
        if (file == null) {
            return;
        }
        try {
            FileTime modified = Files.exists(file) ? Files.getLastModifiedTime(file) : null;
            if (modified == null || modified.equals(readAt)) {
                return;
            }
            Properties values = new Properties();
            try (Reader in = Files.newBufferedReader(file)) {
                values.load(in);
            }
            taskDelayMillis = Long.parseLong(values.getProperty("task-delay-ms", "0").strip());
            uploadPauseMillis = Long.parseLong(values.getProperty("upload-pause-ms", "0").strip());
            readAt = modified;
        } catch (IOException | NumberFormatException e) {
            // a test writing the file right now: the next task reads it again
        }
    }
}
