package io.mallard.protocol;

import io.mallard.common.ErrorCode;
import io.mallard.common.MallardException;
import java.util.Iterator;
import org.apache.arrow.flight.Action;
import org.apache.arrow.flight.CallOption;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.FlightRuntimeException;
import org.apache.arrow.flight.Result;

/** One typed request/response exchange over a Flight action; failures come back as coded {@link MallardException}s. */
public final class Rpc {
    private Rpc() {
    }

    public static <T extends Message> T call(FlightClient client, Message request, Class<T> replyType, CallOption... options) {
        try {
            Iterator<Result> results = client.doAction(new Action(request.actionType(), Codec.encode(request)), options);
            if (!results.hasNext()) {
                throw new MallardException(ErrorCode.PROTOCOL_ERROR, request.actionType() + " returned no reply");
            }
            T reply = Codec.decode(results.next().getBody(), replyType);
            results.forEachRemaining(r -> { });
            return reply;
        } catch (FlightRuntimeException e) {
            throw WireErrors.fromFlight(e);
        }
    }
}
