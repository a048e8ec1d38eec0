package io.mallard.coordinator.flightsql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.Any;
import io.mallard.common.ErrorCode;
import io.mallard.common.MallardException;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.flight.CancelStatus;
import org.apache.arrow.flight.FlightDescriptor;
import org.apache.arrow.flight.FlightEndpoint;
import org.apache.arrow.flight.FlightInfo;
import org.apache.arrow.flight.Ticket;
import org.apache.arrow.flight.sql.impl.FlightSql;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.Test;

class StatementTicketsTest {
    private final StatementTickets tickets = new StatementTickets();
    private final ClientSession alice = new ClientSession("alice");
    private final ClientSession bob = new ClientSession("bob");

    @Test
    void aTicketRunsItsStatementOnceAndOnlyInItsSession() throws Exception {
        FlightInfo info = issue("SELECT 1", alice);
        assertThatThrownBy(() -> tickets.redeem(ticketOf(info), bob, (id, sql) -> { }))
                .isInstanceOfSatisfying(MallardException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT));
        List<String> ran = new ArrayList<>();
        // another session's try used the ticket up: a ticket is single-use whoever presents it
        assertThatThrownBy(() -> tickets.redeem(ticketOf(info), alice, (id, sql) -> ran.add(sql)))
                .isInstanceOf(MallardException.class);
        FlightInfo second = issue("SELECT 2", alice);
        tickets.redeem(ticketOf(second), alice, (id, sql) -> ran.add(sql));
        assertThatThrownBy(() -> tickets.redeem(ticketOf(second), alice, (id, sql) -> ran.add(sql)))
                .isInstanceOf(MallardException.class);
        assertThat(ran).containsExactly("SELECT 2");
    }

    @Test
    void cancellingDropsAPendingStatementAndCancelsARunningOneByItsQueryId() throws Exception {
        FlightInfo pending = issue("SELECT 1", alice);
        assertThat(tickets.cancel(pending, id -> true)).isEqualTo(CancelStatus.CANCELLED);
        assertThatThrownBy(() -> tickets.redeem(ticketOf(pending), alice, (id, sql) -> { }))
                .isInstanceOf(MallardException.class);

        FlightInfo running = issue("SELECT 2", alice);
        List<String> cancelled = new ArrayList<>();
        List<CancelStatus> whileRunning = new ArrayList<>();
        tickets.redeem(ticketOf(running), alice, (queryId, sql) -> whileRunning.add(tickets.cancel(running,
                id -> cancelled.add(id) && id.equals(queryId))));
        assertThat(whileRunning).containsExactly(CancelStatus.CANCELLING);
        assertThat(cancelled).hasSize(1);
        assertThat(tickets.cancel(running, id -> true)).as("after it ended").isEqualTo(CancelStatus.NOT_CANCELLABLE);
    }

    @Test
    void aTicketThatIsNotOursIsAnInvalidArgument() {
        FlightInfo foreign = new FlightInfo(new Schema(List.of()), FlightDescriptor.command(new byte[] {1}),
                List.of(new FlightEndpoint(new Ticket(new byte[] {(byte) 0xff, 0x00, 0x13}))), -1, -1);
        assertThatThrownBy(() -> tickets.cancel(foreign, id -> true))
                .isInstanceOfSatisfying(MallardException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT));
    }

    private FlightInfo issue(String sql, ClientSession session) {
        return tickets.issue(sql, new Schema(List.of()), session, FlightDescriptor.command(sql.getBytes()));
    }

    private static FlightSql.TicketStatementQuery ticketOf(FlightInfo info) throws Exception {
        return Any.parseFrom(info.getEndpoints().get(0).getTicket().getBytes()).unpack(FlightSql.TicketStatementQuery.class);
    }
}
