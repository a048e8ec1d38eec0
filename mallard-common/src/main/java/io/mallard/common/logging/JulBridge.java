package io.mallard.common.logging;

import java.time.OffsetDateTime;
import java.time.ZoneId;
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
    /** Replaces JUL's console handler with this bridge; JUL's own filtering lets everything from FINEST through. */
    static void install() {
        LogManager.getLogManager().reset();
        Logger root = Logger.getLogger("");
        root.setLevel(Level.ALL);
        root.addHandler(new JulBridge());
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
