package io.mallard.cli;

import io.mallard.common.logging.LogLevel;
import io.mallard.common.logging.MallardLogging;
import picocli.CommandLine.Option;

/** {@code --log-level} and {@code --log-format} of the server commands. */
final class LogOptions {
    @Option(names = "--log-level", description = "trace, debug, info, warn, error or off (default: environment "
            + "MALLARD_LOG_LEVEL, else info).")
    String level;

    @Option(names = "--log-format", description = "text (dated lines) or json (one object per line with time, level, "
            + "thread, logger, message, error) (default: environment MALLARD_LOG_FORMAT, else text).")
    String format;

    /** Applies the options (or the environment) to the log on standard error. */
    void apply() {
        MallardLogging.configure(MallardLogging.format(format), MallardLogging.level(level, LogLevel.INFO));
    }
}
