package io.mallard.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.mallard.common.ErrorCode;
import io.mallard.common.MallardException;
import io.mallard.protocol.Messages.Ack;
import io.mallard.protocol.Messages.ClusterStatus;
import io.mallard.protocol.Messages.ClusterStatusRequest;
import io.mallard.protocol.Messages.Leaving;
import io.mallard.protocol.Messages.Poll;
import io.mallard.protocol.Messages.PollReply;
import io.mallard.protocol.Messages.FileReady;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.arrow.flight.Action;
import org.apache.arrow.flight.NoOpFlightProducer;
import org.apache.arrow.flight.Result;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Typed request/response over a real Flight server: the happy path and each way a reply can be wrong. */
class RpcTest {
    private final List<String> actionTypes = new CopyOnWriteArrayList<>();
    private LoopbackFlight flight;

    /** Leaving → Ack naming the worker; Poll → an Ack (the wrong type); ClusterStatusRequest → no reply at all. */
    private final class Producer extends NoOpFlightProducer {
        @Override
        public void doAction(CallContext context, Action action, StreamListener<Result> listener) {
            actionTypes.add(action.getType());
            Message request = Codec.decode(action.getBody());
            if (request instanceof Leaving leaving) {
                listener.onNext(new Result(Codec.encode(new Ack(true, "bye " + leaving.workerId()))));
            } else if (request instanceof Poll) {
                listener.onNext(new Result(Codec.encode(new Ack(false, "not a PollReply"))));
            } else if (request instanceof FileReady) {
                throw new IllegalStateException("unexpected failure in the producer");
            } else if (!(request instanceof ClusterStatusRequest)) {
                listener.onError(WireErrors.toFlight(new MallardException(ErrorCode.INVALID_ARGUMENT, "unexpected")));
                return;
            }
            listener.onCompleted();
        }
    }

    @BeforeEach
    void start() throws Exception {
        flight = new LoopbackFlight(new Producer());
    }

    @AfterEach
    void stop() throws Exception {
        flight.close();
    }

    @Test
    void typedReply() {
        Ack ack = Rpc.call(flight.client, new Leaving("w-7"), Ack.class);
        assertThat(ack).isEqualTo(new Ack(true, "bye w-7"));
        assertThat(actionTypes).containsExactly("Leaving");
    }

    @Test
    void replyOfTheWrongTypeIsAProtocolError() {
        MallardException e = catchThrowableOfType(MallardException.class,
                () -> Rpc.call(flight.client, new Poll("w-1", List.of()), PollReply.class));
        assertThat(e).isNotNull();
        assertThat(e.code()).isEqualTo(ErrorCode.PROTOCOL_ERROR);
        assertThat(e.getMessage()).contains("PollReply").contains("Ack");
    }

    @Test
    void noReplyIsAProtocolError() {
        MallardException e = catchThrowableOfType(MallardException.class,
                () -> Rpc.call(flight.client, new ClusterStatusRequest(), ClusterStatus.class));
        assertThat(e).isNotNull();
        assertThat(e.code()).isEqualTo(ErrorCode.PROTOCOL_ERROR);
        assertThat(e.getMessage()).contains("ClusterStatusRequest");
    }

    @Test
    void producerCrashIsAnInternalError() {
        MallardException e = catchThrowableOfType(MallardException.class,
                () -> Rpc.call(flight.client, new FileReady("w-1", "0a1b2c3d4e5f"), Ack.class));
        assertThat(e).isNotNull();
        assertThat(e.code()).isEqualTo(ErrorCode.INTERNAL_ERROR);
    }

    @Test
    void clientStaysUsableAfterAFailedCall() {
        catchThrowableOfType(MallardException.class, () -> Rpc.call(flight.client, new ClusterStatusRequest(), ClusterStatus.class));
        assertThat(Rpc.call(flight.client, new Leaving("w-2"), Ack.class).message()).isEqualTo("bye w-2");
    }
}
