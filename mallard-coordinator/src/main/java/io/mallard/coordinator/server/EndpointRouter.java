package io.mallard.coordinator.server;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import io.mallard.protocol.Message;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.arrow.flight.Action;
import org.apache.arrow.flight.ActionType;
import org.apache.arrow.flight.Criteria;
import org.apache.arrow.flight.FlightDescriptor;
import org.apache.arrow.flight.FlightInfo;
import org.apache.arrow.flight.FlightProducer;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.flight.PutResult;
import org.apache.arrow.flight.Result;
import org.apache.arrow.flight.SchemaResult;
import org.apache.arrow.flight.Ticket;

/**
 * One Flight port, two protocols: Mallard's own typed JSON messages (workers, and the legacy client) and Arrow Flight
 * SQL (every SQL client). Each call is dispatched on what it carries: an action whose type is a Mallard message name,
 * or a ticket or DoPut command that is a JSON object, goes to the Mallard handler; everything else (protobuf
 * {@code Any} commands, Flight SQL actions) goes to the Flight SQL handler.
 */
final class EndpointRouter implements FlightProducer {
    private static final Set<String> MALLARD_ACTIONS = Arrays.stream(Message.class.getAnnotation(JsonSubTypes.class).value())
            .map(JsonSubTypes.Type::name).collect(Collectors.toUnmodifiableSet());

    private final FlightProducer mallard;
    private final FlightProducer sql;

    EndpointRouter(FlightProducer mallard, FlightProducer sql) {
        this.mallard = mallard;
        this.sql = sql;
    }

    /** Mallard messages are JSON objects; Flight SQL commands are protobuf, whose first byte is never '{'. */
    static boolean isMallardMessage(byte[] bytes) {
        for (byte b : bytes) {
            if (!Character.isWhitespace(b)) {
                return b == '{';
            }
        }
        return false;
    }

    @Override
    public void getStream(CallContext context, Ticket ticket, ServerStreamListener listener) {
        (isMallardMessage(ticket.getBytes()) ? mallard : sql).getStream(context, ticket, listener);
    }

    @Override
    public void listFlights(CallContext context, Criteria criteria, StreamListener<FlightInfo> listener) {
        sql.listFlights(context, criteria, listener);
    }

    @Override
    public FlightInfo getFlightInfo(CallContext context, FlightDescriptor descriptor) {
        return sql.getFlightInfo(context, descriptor);
    }

    @Override
    public SchemaResult getSchema(CallContext context, FlightDescriptor descriptor) {
        return sql.getSchema(context, descriptor);
    }

    @Override
    public Runnable acceptPut(CallContext context, FlightStream stream, StreamListener<PutResult> ackStream) {
        FlightDescriptor descriptor = stream.getDescriptor();
        boolean mallardPut = descriptor.isCommand() && isMallardMessage(descriptor.getCommand());
        return (mallardPut ? mallard : sql).acceptPut(context, stream, ackStream);
    }

    @Override
    public void doAction(CallContext context, Action action, StreamListener<Result> listener) {
        (MALLARD_ACTIONS.contains(action.getType()) ? mallard : sql).doAction(context, action, listener);
    }

    @Override
    public void listActions(CallContext context, StreamListener<ActionType> listener) {
        sql.listActions(context, listener);
    }
}
