package io.mallard.coordinator.flightsql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.mallard.common.ErrorCode;
import io.mallard.common.MallardException;
import io.mallard.protocol.WireErrors;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.flight.CallStatus;
import org.apache.arrow.flight.FlightRuntimeException;
import org.apache.arrow.flight.FlightStatusCode;
import org.junit.jupiter.api.Test;

class ErrorGuardTest {
    @Test
    void aMallardErrorReachesTheListenerWithItsCodeAndMessage() {
        List<FlightRuntimeException> errors = new ArrayList<>();
        ErrorGuard.run(() -> {
            throw new MallardException(ErrorCode.UNSUPPORTED_STATEMENT, "read-only");
        }, errors::add);
        assertThat(errors).singleElement().satisfies(e -> {
            MallardException back = WireErrors.fromFlight(e);
            assertThat(back.code()).isEqualTo(ErrorCode.UNSUPPORTED_STATEMENT);
            assertThat(back.getMessage()).isEqualTo("read-only");
        });
    }

    @Test
    void aWrappedMallardErrorIsFoundAndAnUnknownOneIsInternal() {
        List<FlightRuntimeException> errors = new ArrayList<>();
        MallardException cause = new MallardException(ErrorCode.QUERY_CANCELLED, "gone");
        ErrorGuard.run(() -> {
            throw new IOException("the stream broke", cause);
        }, errors::add);
        ErrorGuard.run(() -> {
            throw new IllegalStateException("surprise");
        }, errors::add);
        assertThat(errors).extracting(e -> WireErrors.fromFlight(e).code())
                .containsExactly(ErrorCode.QUERY_CANCELLED, ErrorCode.INTERNAL_ERROR);
    }

    @Test
    void aFlightErrorPassesUnchangedAndNothingIsReportedWithoutAFailure() {
        FlightRuntimeException flight = CallStatus.UNIMPLEMENTED.withDescription("no").toRuntimeException();
        FlightRuntimeException thrown = catchThrowableOfType(() -> ErrorGuard.call(() -> {
            throw flight;
        }), FlightRuntimeException.class);
        assertThat(thrown).isSameAs(flight);
        assertThat(thrown.status().code()).isEqualTo(FlightStatusCode.UNIMPLEMENTED);

        List<FlightRuntimeException> errors = new ArrayList<>();
        ErrorGuard.run(() -> { }, errors::add);
        assertThat(errors).isEmpty();
        assertThat(ErrorGuard.call(() -> 42)).isEqualTo(42);
    }
}
