package io.mallard.coordinator.web;

import io.mallard.common.ErrorCode;
import io.mallard.common.MallardException;
import io.mallard.protocol.WireErrors;
import org.apache.arrow.flight.FlightRuntimeException;

/** What the page reports for a statement's failure as its stream listener hears it: the Mallard error it carries. */
final class StatementFailures {
    private StatementFailures() {
    }

    static MallardException of(Throwable t) {
        if (t instanceof FlightRuntimeException flight) {
            return WireErrors.fromFlight(flight);
        }
        return t instanceof MallardException m ? m : new MallardException(ErrorCode.INTERNAL_ERROR, "the statement failed");
    }
}
