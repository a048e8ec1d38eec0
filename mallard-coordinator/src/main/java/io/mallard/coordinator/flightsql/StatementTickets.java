package io.mallard.coordinator.flightsql;

import static com.google.protobuf.Any.pack;

import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.mallard.common.ErrorCode;
import io.mallard.common.MallardException;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;
import java.util.function.Predicate;
import org.apache.arrow.flight.CancelStatus;
import org.apache.arrow.flight.FlightDescriptor;
import org.apache.arrow.flight.FlightEndpoint;
import org.apache.arrow.flight.FlightInfo;
import org.apache.arrow.flight.Ticket;
import org.apache.arrow.flight.sql.impl.FlightSql;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * Statement tickets: GetFlightInfo only binds a statement and hands out a ticket with a random, single-use handle of
 * the client's session; the query starts when the ticket is fetched (DoGet), under a query id chosen at issue, so that
 * CancelFlightInfo finds it before it starts (it never will) and while it streams.
 */
final class StatementTickets {
    /** How long an unfetched ticket stays valid. */
    private static final long PENDING_MILLIS = 10 * 60_000L;

    private record Pending(String queryId, String sql, String session, long createdMillis) {
    }

    /** Statements between GetFlightInfo and DoGet, by ticket handle. */
    private final Map<String, Pending> pending = new ConcurrentHashMap<>();
    /** Statements streaming now: ticket handle → query id. */
    private final Map<String, String> started = new ConcurrentHashMap<>();

    /** A FlightInfo with one endpoint, whose ticket names a new pending statement of {@code session}. */
    FlightInfo issue(String sql, Schema schema, ClientSession session, FlightDescriptor descriptor) {
        long now = System.currentTimeMillis();
        pending.values().removeIf(p -> now - p.createdMillis() > PENDING_MILLIS);
        String handle = UUID.randomUUID().toString();
        pending.put(handle, new Pending(UUID.randomUUID().toString(), sql, session.id(), now));
        FlightSql.TicketStatementQuery ticket = FlightSql.TicketStatementQuery.newBuilder()
                .setStatementHandle(ByteString.copyFromUtf8(handle)).build();
        return new FlightInfo(schema, descriptor, List.of(new FlightEndpoint(new Ticket(pack(ticket).toByteArray()))), -1, -1);
    }

    /**
     * Uses up a ticket of {@code session}: {@code run} gets the statement's query id and SQL and streams it; meanwhile
     * the ticket cancels the running query.
     */
    void redeem(FlightSql.TicketStatementQuery ticket, ClientSession session, BiConsumer<String, String> run) {
        String handle = ticket.getStatementHandle().toStringUtf8();
        Pending statement = pending.remove(handle);
        if (statement == null || !statement.session().equals(session.id())) {
            throw new MallardException(ErrorCode.INVALID_ARGUMENT, "unknown, expired, cancelled or already used statement ticket");
        }
        started.put(handle, statement.queryId());
        try {
            run.accept(statement.queryId(), statement.sql());
        } finally {
            started.remove(handle);
        }
    }

    /**
     * Cancels the statements of a FlightInfo: one not started yet is dropped (CANCELLED), a running one is handed to
     * {@code cancelQuery} by its query id (CANCELLING when that found it).
     */
    CancelStatus cancel(FlightInfo info, Predicate<String> cancelQuery) {
        CancelStatus status = CancelStatus.NOT_CANCELLABLE;
        for (FlightEndpoint endpoint : info.getEndpoints()) {
            String handle = handleOf(endpoint.getTicket());
            if (pending.remove(handle) != null) {
                status = CancelStatus.CANCELLED; // not started yet: it never will be
            } else {
                String queryId = started.get(handle);
                status = queryId != null && cancelQuery.test(queryId) ? CancelStatus.CANCELLING : status;
            }
        }
        return status;
    }

    private static String handleOf(Ticket ticket) {
        try {
            return Any.parseFrom(ticket.getBytes()).unpack(FlightSql.TicketStatementQuery.class)
                    .getStatementHandle().toStringUtf8();
        } catch (InvalidProtocolBufferException e) {
            throw new MallardException(ErrorCode.INVALID_ARGUMENT, "not a Mallard statement ticket", e);
        }
    }

    /** Forgets every ticket not fetched yet. */
    void clear() {
        pending.clear();
    }
}
