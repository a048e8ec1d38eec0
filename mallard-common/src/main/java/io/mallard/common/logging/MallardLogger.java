package io.mallard.common.logging;

import java.time.OffsetDateTime;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.helpers.MessageFormatter;

/** An SLF4J logger writing through {@link MallardLogging}'s current settings. */
final class MallardLogger extends LegacyAbstractLogger {
    private static final long serialVersionUID = 1L;

    MallardLogger(String name) {
        this.name = name;
    }

    private boolean enabled(LogLevel level) {
        return MallardLogging.levelOf(name).admits(level);
    }

    @Override
    public boolean isTraceEnabled() {
        return enabled(LogLevel.TRACE);
    }

    @Override
    public boolean isDebugEnabled() {
        return enabled(LogLevel.DEBUG);
    }

    @Override
    public boolean isInfoEnabled() {
        return enabled(LogLevel.INFO);
    }

    @Override
    public boolean isWarnEnabled() {
        return enabled(LogLevel.WARN);
    }

    @Override
    public boolean isErrorEnabled() {
        return enabled(LogLevel.ERROR);
    }

    @Override
    protected String getFullyQualifiedCallerName() {
        return null;
    }

    @Override
    protected void handleNormalizedLoggingCall(Level level, Marker marker, String pattern, Object[] arguments,
            Throwable throwable) {
        String message = MessageFormatter.basicArrayFormat(pattern, arguments);
        MallardLogging.write(new LogLine(OffsetDateTime.now(), LogLevel.valueOf(level.name()),
                Thread.currentThread().getName(), name, message, throwable));
    }
}
