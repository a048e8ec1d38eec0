package io.mallard.worker;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/**
 * Fault injection for tests, never set in production: how long a task waits before it runs ({@code task-delay-ms})
 * and how long its upload pauses after the first batch ({@code upload-pause-ms}), read from a properties file at every
 * look, so that a test can reshape a running worker's timing between trials without restarting it. (Not only when its
 * modification time changed: two writes within one tick of the file system's clock have the same time, and a worker that
 * read the first kept it.)
 */
final class FaultHooks {
    private final Path file;
    private long taskDelayMillis;
    private long uploadPauseMillis;

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
            if (!Files.exists(file)) {
                return;
            }
            Properties values = new Properties();
            try (Reader in = Files.newBufferedReader(file)) {
                values.load(in);
            }
            taskDelayMillis = Long.parseLong(values.getProperty("task-delay-ms", "0").strip());
            uploadPauseMillis = Long.parseLong(values.getProperty("upload-pause-ms", "0").strip());
        } catch (IOException | NumberFormatException e) {
            // a test writing the file right now: the next task reads it again
        }
    }
}
