package io.mallard.common.logging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;

class MallardLoggingTest {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    private final MallardLogProvider provider = new MallardLogProvider();

    @AfterEach
    void restore() {
        MallardLogging.configure(LogFormat.TEXT, LogLevel.INFO, System.err);
    }

    private List<String> lines() {
        return bytes.toString(StandardCharsets.UTF_8).lines().toList();
    }

    @Test
    void jsonLinesParseAndEachCarriesItsTime() throws Exception {
        MallardLogging.configure(LogFormat.JSON, LogLevel.INFO, out);
        Logger log = provider.getLoggerFactory().getLogger("io.mallard.coordinator.Example");
        OffsetDateTime before = OffsetDateTime.now().minusSeconds(1);
        log.info("worker {} registered from {}", "w1", "127.0.0.1:5000");
        log.debug("not written at INFO");
        log.warn("refused a login as 'bob': \"quoted\"\nand a second line", new IllegalStateException("boom"));
        provider.getLoggerFactory().getLogger("org.apache.arrow.memory.BaseAllocator").info("Arrow's INFO is quiet");

        List<String> lines = lines();
        assertThat(lines).hasSize(2);
        ObjectMapper json = new ObjectMapper();
        JsonNode first = json.readTree(lines.get(0));
        assertThat(first.get("level").asText()).isEqualTo("INFO");
        assertThat(first.get("logger").asText()).isEqualTo("io.mallard.coordinator.Example");
        assertThat(first.get("message").asText()).isEqualTo("worker w1 registered from 127.0.0.1:5000");
        assertThat(first.get("thread").asText()).isEqualTo(Thread.currentThread().getName());
        assertThat(first.has("error")).isFalse();
        JsonNode second = json.readTree(lines.get(1));
        assertThat(second.get("level").asText()).isEqualTo("WARN");
        assertThat(second.get("message").asText()).isEqualTo("refused a login as 'bob': \"quoted\"\nand a second line");
        assertThat(second.get("error").asText()).startsWith("java.lang.IllegalStateException: boom")
                .contains("MallardLoggingTest");
        for (JsonNode node : List.of(first, second)) {
            OffsetDateTime time = OffsetDateTime.parse(node.get("time").asText(), LogLine.TIME);
            assertThat(time).isAfter(before).isBefore(OffsetDateTime.now().plusSeconds(1));
        }
    }

    @Test
    void javaUtilLoggingRecordsComeThroughTheSameWay() throws Exception {
        MallardLogging.configure(LogFormat.JSON, LogLevel.INFO, out);
        JulBridge bridge = new JulBridge();
        java.util.logging.LogRecord record = new java.util.logging.LogRecord(java.util.logging.Level.WARNING,
                "channel {0} closed");
        record.setLoggerName("io.netty.channel.Example");
        record.setParameters(new Object[] {7});
        bridge.publish(record);
        java.util.logging.LogRecord grpc = new java.util.logging.LogRecord(java.util.logging.Level.WARNING,
                "Failed to resolve name");
        grpc.setLoggerName("io.grpc.internal.ManagedChannelImpl");
        bridge.publish(grpc); // gRPC logs only errors at INFO
        JsonNode line = new ObjectMapper().readTree(lines().get(0));
        assertThat(lines()).hasSize(1);
        assertThat(line.get("level").asText()).isEqualTo("WARN");
        assertThat(line.get("logger").asText()).isEqualTo("io.netty.channel.Example");
        assertThat(line.get("message").asText()).isEqualTo("channel 7 closed");
        OffsetDateTime.parse(line.get("time").asText(), LogLine.TIME);
    }

    @Test
    void javaUtilLoggingLevelsMirrorMallardsSoGrpcsFineLoggingStopsAtJul() {
        JulBridge.install();
        java.util.logging.Logger grpc = java.util.logging.Logger.getLogger("io.grpc.internal.ClientCallImpl");
        java.util.logging.Logger frames = java.util.logging.Logger.getLogger("io.grpc.netty.NettyServerHandler");
        java.util.logging.Logger netty = java.util.logging.Logger.getLogger("io.netty.channel.Example");
        MallardLogging.configure(LogFormat.TEXT, LogLevel.INFO, out);
        assertThat(grpc.isLoggable(java.util.logging.Level.FINE)).as("gRPC's FINE at INFO").isFalse();
        assertThat(grpc.isLoggable(java.util.logging.Level.WARNING)).as("gRPC logs only errors at INFO").isFalse();
        assertThat(grpc.isLoggable(java.util.logging.Level.SEVERE)).isTrue();
        assertThat(netty.isLoggable(java.util.logging.Level.FINE)).isFalse();
        assertThat(netty.isLoggable(java.util.logging.Level.INFO)).isTrue();
        MallardLogging.configure(LogFormat.TEXT, LogLevel.DEBUG, out);
        assertThat(grpc.isLoggable(java.util.logging.Level.FINE)).as("gRPC's FINE at DEBUG").isTrue();
        assertThat(grpc.isLoggable(java.util.logging.Level.FINER)).isFalse();
        assertThat(frames.isLoggable(java.util.logging.Level.FINE)).as("frame dumps only at TRACE").isFalse();
        MallardLogging.configure(LogFormat.TEXT, LogLevel.TRACE, out);
        assertThat(frames.isLoggable(java.util.logging.Level.FINEST)).isTrue();
        MallardLogging.configure(LogFormat.TEXT, LogLevel.INFO, out);
        netty.log(java.util.logging.Level.INFO, "channel {0} opened", 3); // what JUL lets through still arrives
        netty.fine("not written at INFO");
        assertThat(lines()).singleElement().asString().endsWith("io.netty.channel.Example - channel 3 opened");
    }

    @Test
    void textLinesStartWithDateAndTime() {
        MallardLogging.configure(LogFormat.TEXT, LogLevel.DEBUG, out);
        Logger log = provider.getLoggerFactory().getLogger("io.mallard.worker.Worker");
        log.debug("poll {} of {}", 1, 2);
        log.trace("not written at DEBUG");
        assertThat(lines()).singleElement().asString().matches(
                "\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}(Z|[+-]\\d{2}:\\d{2}) DEBUG \\[[^]]+\\] "
                        + "io\\.mallard\\.worker\\.Worker - poll 1 of 2");
    }

    @Test
    void debugOpensGrpcButNotItsFrameDumpsWhichOnlyTraceShows() {
        MallardLogging.configure(LogFormat.TEXT, LogLevel.DEBUG, out);
        assertThat(MallardLogging.levelOf("io.grpc.internal.ManagedChannelImpl")).isEqualTo(LogLevel.DEBUG);
        assertThat(MallardLogging.levelOf("io.grpc.netty.NettyServerHandler")).isEqualTo(LogLevel.INFO);
        assertThat(MallardLogging.levelOf("io.grpc.netty.NettyClientHandler")).isEqualTo(LogLevel.INFO);
        MallardLogging.configure(LogFormat.TEXT, LogLevel.TRACE, out);
        assertThat(MallardLogging.levelOf("io.grpc.netty.NettyServerHandler")).isEqualTo(LogLevel.TRACE);
        MallardLogging.configure(LogFormat.TEXT, LogLevel.INFO, out);
        assertThat(MallardLogging.levelOf("io.grpc.netty.NettyServerHandler")).isEqualTo(LogLevel.ERROR);
    }

    @Test
    void theLevelSwitchAppliesToLoggersMadeBeforeIt() {
        Logger log = provider.getLoggerFactory().getLogger("io.mallard.Early");
        MallardLogging.configure(LogFormat.TEXT, LogLevel.WARN, out);
        log.info("hidden");
        assertThat(log.isInfoEnabled()).isFalse();
        MallardLogging.configure(LogFormat.TEXT, LogLevel.OFF, out);
        log.error("hidden too");
        assertThat(lines()).isEmpty();
        assertThat(LogLevel.parse("Debug")).isEqualTo(LogLevel.DEBUG);
        assertThat(LogFormat.parse("JSON")).isEqualTo(LogFormat.JSON);
        assertThatThrownBy(() -> LogLevel.parse("loud")).hasMessageContaining("trace, debug, info, warn, error or off");
        assertThatThrownBy(() -> LogFormat.parse("xml")).hasMessageContaining("text or json");
    }
}
