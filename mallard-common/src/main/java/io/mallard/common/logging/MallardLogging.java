package io.mallard.common.logging;

import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Mallard's log settings, read by every logger on every event (so they apply to loggers made before they were set):
 * the format, the level, and levels of their own for noisy libraries. The {@code mallard} executable selects this
 * backend ({@link #install}); tests and embedders keep whatever SLF4J backend they have.
 *
 * <p>The level comes from {@code --log-level}, else the environment variable {@code MALLARD_LOG_LEVEL}, else the system
 * property {@code mallard.log}, else the default of the command (INFO for servers, WARN for the rest). The format from
 * {@code --log-format}, else {@code MALLARD_LOG_FORMAT}, else text.
 */
public final class MallardLogging {
    /** The system property that makes SLF4J use this backend without a service entry. */
    static final String PROVIDER_PROPERTY = "slf4j.provider";

    /**
     * @param resolved each logger's level under these settings, resolved once: loggers ask on every event, and Netty
     *                 asks {@code isDebugEnabled()} many times per request
     */
    private record Settings(LogFormat format, LogLevel level, Map<String, LogLevel> overrides, PrintStream out,
            Map<String, LogLevel> resolved) {
        Settings(LogFormat format, LogLevel level, Map<String, LogLevel> overrides, PrintStream out) {
            this(format, level, overrides, out, new ConcurrentHashMap<>());
        }
    }

    private static volatile Settings settings = new Settings(LogFormat.TEXT, LogLevel.INFO, Map.of(), System.err);

    private MallardLogging() {
    }

    /** Makes SLF4J use this backend; call before anything logs (first thing in {@code main}). */
    public static void install() {
        System.setProperty(PROVIDER_PROPERTY, MallardLogProvider.class.getName());
        System.setProperty("slf4j.internal.verbosity", "WARN"); // not SLF4J's own note that it loads this backend
        JulBridge.install();
        Settings s = settings;
        JulBridge.applyLevels(s.level(), s.overrides());
    }

    /**
     * Sets format and level. Arrow logs only warnings and gRPC only errors unless the level is more verbose than INFO
     * (gRPC warns with a stack trace about a host that does not resolve, which the caller's error says already), and
     * its HTTP/2 frames are logged only at TRACE;
     * Arrow's handshake logs a stack trace for every refused login (the caller gets the error anyway) and is off.
     */
    public static void configure(LogFormat format, LogLevel level) {
        configure(format, level, System.err);
    }

    /** As {@link #configure(LogFormat, LogLevel)}, writing to {@code out}. */
    public static void configure(LogFormat format, LogLevel level, PrintStream out) {
        Map<String, LogLevel> overrides = new LinkedHashMap<>();
        overrides.put("org.apache.arrow.flight.auth2.ClientHandshakeWrapper", LogLevel.OFF);
        boolean verbose = level.ordinal() < LogLevel.INFO.ordinal();
        overrides.put("org.apache.arrow", verbose ? level : LogLevel.WARN);
        overrides.put("io.grpc", verbose ? level : LogLevel.ERROR);
        // gRPC's HTTP/2 frame loggers hex-dump every frame at DEBUG (megabytes per query): only at TRACE
        LogLevel frames = level == LogLevel.TRACE ? level : verbose ? LogLevel.INFO : LogLevel.ERROR;
        overrides.put("io.grpc.netty.NettyServerHandler", frames);
        overrides.put("io.grpc.netty.NettyClientHandler", frames);
        settings = new Settings(Objects.requireNonNull(format), Objects.requireNonNull(level), Map.copyOf(overrides),
                Objects.requireNonNull(out));
        JulBridge.applyLevels(level, overrides);
    }

    /** The level from the first of {@code flag}, {@code MALLARD_LOG_LEVEL}, {@code -Dmallard.log} that is set. */
    public static LogLevel level(String flag, LogLevel fallback) {
        String chosen = first(flag, System.getenv("MALLARD_LOG_LEVEL"), System.getProperty("mallard.log"));
        return chosen == null ? fallback : LogLevel.parse(chosen);
    }

    /** The format from {@code flag}, else {@code MALLARD_LOG_FORMAT}, else text. */
    public static LogFormat format(String flag) {
        String chosen = first(flag, System.getenv("MALLARD_LOG_FORMAT"));
        return chosen == null ? LogFormat.TEXT : LogFormat.parse(chosen);
    }

    private static String first(String... values) {
        for (String value : values) {
            if (value != null && !value.isBlank()) {
                return value;
            }
        }
        return null;
    }

    /** The level that applies to {@code logger}: the longest matching override, else the global level. */
    static LogLevel levelOf(String logger) {
        Settings s = settings;
        LogLevel cached = s.resolved().get(logger);
        if (cached != null) {
            return cached;
        }
        LogLevel level = resolve(s, logger);
        if (s.resolved().size() < 10_000) { // logger names are few; a bound all the same
            s.resolved().put(logger, level);
        }
        return level;
    }

    private static LogLevel resolve(Settings s, String logger) {
        LogLevel best = s.level();
        int bestLength = -1;
        for (Map.Entry<String, LogLevel> override : s.overrides().entrySet()) {
            String prefix = override.getKey();
            if (prefix.length() > bestLength && (logger.equals(prefix) || logger.startsWith(prefix + "."))) {
                best = override.getValue();
                bestLength = prefix.length();
            }
        }
        return best;
    }

    static void write(LogLine line) {
        Settings s = settings;
        String rendered = line.render(s.format());
        synchronized (s.out()) {
            s.out().println(rendered);
            s.out().flush();
        }
    }
}
