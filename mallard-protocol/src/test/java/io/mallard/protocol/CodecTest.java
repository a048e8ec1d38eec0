package io.mallard.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import io.mallard.common.ErrorCode;
import io.mallard.common.Json;
import io.mallard.common.MallardException;
import io.mallard.protocol.Messages.Ack;
import io.mallard.protocol.Messages.Challenge;
import io.mallard.protocol.Messages.ClusterStatus;
import io.mallard.protocol.Messages.ClusterStatusRequest;
import io.mallard.protocol.Messages.ExplainRequest;
import io.mallard.protocol.Messages.Leaving;
import io.mallard.protocol.Messages.PlanDescription;
import io.mallard.protocol.Messages.Poll;
import io.mallard.protocol.Messages.PollReply;
import io.mallard.protocol.Messages.QueryRequest;
import io.mallard.protocol.Messages.RegisterWorker;
import io.mallard.protocol.Messages.ColumnScan;
import io.mallard.protocol.Messages.FileGrant;
import io.mallard.protocol.Messages.FileProof;
import io.mallard.protocol.Messages.FileReady;
import io.mallard.protocol.Messages.FileRejected;
import io.mallard.protocol.Messages.FileScan;
import io.mallard.protocol.Messages.ShardView;
import io.mallard.protocol.Messages.TableScan;
import io.mallard.protocol.Messages.TaskFailed;
import io.mallard.protocol.Messages.TaskResult;
import io.mallard.protocol.Messages.TaskSpec;
import io.mallard.protocol.Messages.WorkerRegistered;
import io.mallard.protocol.Messages.WorkerView;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class CodecTest {
    /** One non-trivial instance of every message type (nested records, lists, maps, nulls, non-ASCII text). */
    static List<Message> samples() {
        TaskSpec task = new TaskSpec("q-1", "shard-003", "partials", 2, "SELECT count(*) FROM lineitem WHERE l_comment = 'naïve ☃'",
                List.of(new TableScan("lineitem", List.of(new ColumnScan(0, "l_comment", "VARCHAR")),
                        List.of(new FileScan("0a1b2c3d4e5f", List.of(0), null), new FileScan("1a1b2c3d4e5f", List.of(0), "2a1b2c3d")))));
        return List.of(
                new RegisterWorker("join-token", "worker-a", "0.1.0", 8, 16L << 30, 4242L),
                new WorkerRegistered("w-1", "session-token", 30_000L, 1_000L),
                new Poll("w-1", List.of("tpch-0001", "tpch-0002")),
                new PollReply(List.of(new FileGrant("0a1b2c3d4e5f", "https://127.0.0.1:1/s?sig=a%2Fb", 123_456L, "ab".repeat(32))),
                        List.of("tpch-0009"), List.of(task), List.of("q-0"), List.of(task.taskKey()), true),
                new FileReady("w-1", "0a1b2c3d4e5f"),
                new Challenge("0a1b2c3d4e5f", "00ff".repeat(8)),
                new FileProof("w-1", "0a1b2c3d4e5f", "00ff".repeat(8), "cd".repeat(32)),
                new FileRejected("w-1", "0a1b2c3d4e5f", "sha256 mismatch"),
                new Ack(false, "stale lease"),
                new TaskFailed("w-1", task, new ErrorInfo("BINDER_ERROR", "Binder Error: no column \"x\"", 17)),
                new TaskResult("w-1", "q-1", "lineitem", List.of(new Messages.TaskRef("tpch-0003", 2), new Messages.TaskRef("tpch-0007", 1))),
                new Leaving("w-1"),
                new Messages.LocalTableChanged("w-1", new Messages.LocalTable("readings",
                        List.of(new Messages.LocalColumn("temp", "DOUBLE")), 42L, "ab".repeat(32))),
                new QueryRequest("SELECT 1", Map.of("threads", "2", "timeout", "30s")),
                new ExplainRequest("SELECT count(*) FROM orders"),
                new PlanDescription("PUSHDOWN_AGG", "SELECT count_star() AS __p0 FROM lineitem",
                        "SELECT sum(__p0) FROM __mallard_partials", List.of("tpch-0001"), "PUSHDOWN_AGG\n  worker: …"),
                new ClusterStatusRequest(),
                new ClusterStatus(
                        List.of(new WorkerView("w-1", "worker-a", "ACTIVE", List.of("tpch-0001"), List.of(), 12L, 8, 1L << 30, 3,
                                "0.1.0", "127.0.0.1:40000")),
                        List.of(new ShardView("shard-001", 3, 99L, List.of("w-1")))));
    }

    @Test
    void samplesCoverEveryMessageType() {
        Set<Class<?>> sampled = samples().stream().map(Object::getClass).collect(Collectors.toSet());
        assertThat(sampled).containsExactlyInAnyOrder(Message.class.getPermittedSubclasses());
    }

    @ParameterizedTest
    @MethodSource("samples")
    void roundTripsToAnEqualMessage(Message message) {
        byte[] bytes = Codec.encode(message);
        assertThat(Codec.decode(bytes)).isEqualTo(message);
        assertThat(Codec.decode(bytes, message.getClass())).isEqualTo(message).isExactlyInstanceOf(message.getClass());
        assertThat(Codec.decode(bytes, Message.class)).isEqualTo(message);
    }

    @ParameterizedTest
    @MethodSource("samples")
    void typeDiscriminatorIsTheActionType(Message message) {
        JsonNode tree = Json.tree(new String(Codec.encode(message), StandardCharsets.UTF_8));
        assertThat(tree.path("type").asText()).isEqualTo(message.actionType()).isEqualTo(message.getClass().getSimpleName());
    }

    @ParameterizedTest
    @MethodSource("samples")
    void decodingAsAnotherTypeIsAProtocolError(Message message) {
        Class<? extends Message> other = message instanceof Ack ? Leaving.class : Ack.class;
        MallardException e = catchThrowableOfType(MallardException.class, () -> Codec.decode(Codec.encode(message), other));
        assertThat(e).isNotNull();
        assertThat(e.code()).isEqualTo(ErrorCode.PROTOCOL_ERROR);
        assertThat(e.getMessage()).contains(other.getSimpleName()).contains(message.getClass().getSimpleName());
    }

    @Test
    void unknownFieldsAreIgnoredForForwardCompatibility() {
        byte[] bytes = "{\"type\":\"Leaving\",\"workerId\":\"w-9\",\"addedInV2\":[1,2]}".getBytes(StandardCharsets.UTF_8);
        assertThat(Codec.decode(bytes, Leaving.class)).isEqualTo(new Leaving("w-9"));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "",
        "not json at all",
        "{\"type\":\"Leaving\"",
        "{\"workerId\":\"w-1\"}",
        "{\"type\":\"NoSuchMessage\",\"workerId\":\"w-1\"}",
        "[1, 2, 3]",
        "42",
        "{\"type\":\"Poll\",\"workerId\":\"w-1\",\"held\":\"not-a-list\"}",
    })
    void malformedBytesAreAProtocolError(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        MallardException e = catchThrowableOfType(MallardException.class, () -> Codec.decode(bytes, Poll.class));
        assertThat(e).as("decoding %s", text).isNotNull();
        assertThat(e.code()).isEqualTo(ErrorCode.PROTOCOL_ERROR);
        MallardException untyped = catchThrowableOfType(MallardException.class, () -> Codec.decode(bytes));
        assertThat(untyped).isNotNull();
        assertThat(untyped.code()).isEqualTo(ErrorCode.PROTOCOL_ERROR);
    }

    @Test
    void binaryGarbageIsAProtocolError() {
        byte[] garbage = new byte[64];
        Arrays.fill(garbage, (byte) 0xC3);
        garbage[0] = 0;
        MallardException e = catchThrowableOfType(MallardException.class, () -> Codec.decode(garbage, Ack.class));
        assertThat(e).isNotNull();
        assertThat(e.code()).isEqualTo(ErrorCode.PROTOCOL_ERROR);
    }

    @Test
    void jsonNullIsAProtocolError() {
        byte[] bytes = "null".getBytes(StandardCharsets.UTF_8);
        MallardException e = catchThrowableOfType(MallardException.class, () -> Codec.decode(bytes, Ack.class));
        assertThat(e).isNotNull();
        assertThat(e.code()).isEqualTo(ErrorCode.PROTOCOL_ERROR);
        MallardException untyped = catchThrowableOfType(MallardException.class, () -> Codec.decode(bytes));
        assertThat(untyped).isNotNull();
        assertThat(untyped.code()).isEqualTo(ErrorCode.PROTOCOL_ERROR);
    }
}
