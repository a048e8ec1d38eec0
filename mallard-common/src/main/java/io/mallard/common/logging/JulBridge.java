package io.mallard.common.logging;

import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Sends java.util.logging records (gRPC and Netty log there) through {@link MallardLogging}, so they are dated, obey the
 * level switch and come out as JSON too, instead of JUL's two-line console format.
 */
final class JulBridge extends Handler {
    /** Whether {@link #install} ran: only then does this bridge own JUL's levels. */
    private static volatile boolean installed;
    /**
     * The JUL loggers given a level of their own: JUL holds loggers weakly, and a collected logger would lose its level.
     */
    private static final List<Logger> LEVELLED = new CopyOnWriteArrayList<>();

    /**
     * Replaces JUL's console handler with this bridge. JUL's levels then mirror Mallard's ({@link #applyLevels}), so
     * that gRPC's guarded FINE and FINEST logging is skipped by JUL's own cheap check instead of building records this
     * bridge drops (about 10 ms of CPU per distributed query across the cluster's processes when every level passed).
     */
    static void install() {
        LogManager.getLogManager().reset();
        Logger root = Logger.getLogger("");
        root.setLevel(Level.INFO);
        root.addHandler(new JulBridge());
        installed = true;
    }

    /** Gives JUL's root the global level and each overridden logger its own; nothing when the bridge is not installed. */
    static synchronized void applyLevels(LogLevel level, Map<String, LogLevel> overrides) {
        if (!installed) {
            return; // an embedder's or a test's JUL set-up stays as it is
        }
        for (Logger logger : LEVELLED) {
            logger.setLevel(null);
        }
        LEVELLED.clear();
        Logger.getLogger("").setLevel(julLevel(level));
        for (Map.Entry<String, LogLevel> override : overrides.entrySet()) {
            Logger logger = Logger.getLogger(override.getKey());
            logger.setLevel(julLevel(override.getValue()));
            LEVELLED.add(logger);
        }
    }

    /** The JUL level that lets through exactly what {@code level} admits (see {@link #levelOf(Level)}). */
    static Level julLevel(LogLevel level) {
        return switch (level) {
            case TRACE -> Level.ALL;
            case DEBUG -> Level.FINE;
            case INFO -> Level.INFO;
            case WARN -> Level.WARNING;
            case ERROR -> Level.SEVERE;
            case OFF -> Level.OFF;
        };
    }

    static LogLevel levelOf(Level level) {
        int value = level.intValue();
        if (value >= Level.SEVERE.intValue()) {
            return LogLevel.ERROR;
        }
        if (value >= Level.WARNING.intValue()) {
            return LogLevel.WARN;
        }
        if (value >= Level.INFO.intValue()) {
            return LogLevel.INFO;
        }
        return value >= Level.FINE.intValue() ? LogLevel.DEBUG : LogLevel.TRACE;
    }

    @Override
    public void publish(LogRecord record) {
        String logger = record.getLoggerName() == null ? "jul" : record.getLoggerName();
        LogLevel level = levelOf(record.getLevel());
        if (!MallardLogging.levelOf(logger).admits(level)) {
            return;
        }
        String message = record.getMessage();
        if (message != null && record.getParameters() != null && record.getParameters().length > 0) {
            message = java.text.MessageFormat.format(message, record.getParameters());
        }
        MallardLogging.write(new LogLine(OffsetDateTime.ofInstant(record.getInstant(), ZoneId.systemDefault()), level,
                Thread.currentThread().getName(), logger, message == null ? "" : message, record.getThrown()));
    }

    @Override
    public void flush() {
        // every line is flushed as it is written
    }

    @Override
    public void close() {
        // nothing held
    }
}
