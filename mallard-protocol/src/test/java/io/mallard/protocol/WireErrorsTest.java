package io.mallard.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.mallard.common.ErrorCode;
import io.mallard.common.Json;
import io.mallard.common.MallardException;
import java.nio.charset.StandardCharsets;
import org.apache.arrow.flight.Action;
import org.apache.arrow.flight.CallStatus;
import org.apache.arrow.flight.ErrorFlightMetadata;
import org.apache.arrow.flight.FlightRuntimeException;
import org.apache.arrow.flight.FlightStatusCode;
import org.apache.arrow.flight.NoOpFlightProducer;
import org.apache.arrow.flight.Result;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class WireErrorsTest {
    private static final String MULTI_LINE = "Binder Error: column \"ß\" not found\nLINE 1: SELECT ß FROM t ☃";

    @ParameterizedTest
    @EnumSource(ErrorCode.class)
    void everyCodeSurvivesWithMessageAndPosition(ErrorCode code) {
        MallardException back = WireErrors.fromFlight(WireErrors.toFlight(new MallardException(code, MULTI_LINE, 23, null)));
        assertThat(back.code()).isEqualTo(code);
        assertThat(back.getMessage()).isEqualTo(MULTI_LINE);
        assertThat(back.position()).hasValue(23);
    }

    @ParameterizedTest
    @EnumSource(ErrorCode.class)
    void missingPositionStaysMissing(ErrorCode code) {
        MallardException back = WireErrors.fromFlight(WireErrors.toFlight(new MallardException(code, "no position")));
        assertThat(back.code()).isEqualTo(code);
        assertThat(back.position()).isEmpty();
    }

    @Test
    void statusGivesNonMallardClientsTheCoarseClass() {
        assertThat(statusOf(ErrorCode.AUTHENTICATION_FAILED)).isEqualTo(FlightStatusCode.UNAUTHENTICATED);
        assertThat(statusOf(ErrorCode.PERMISSION_DENIED)).isEqualTo(FlightStatusCode.UNAUTHORIZED);
        assertThat(statusOf(ErrorCode.QUERY_CANCELLED)).isEqualTo(FlightStatusCode.CANCELLED);
        assertThat(statusOf(ErrorCode.TIMEOUT)).isEqualTo(FlightStatusCode.TIMED_OUT);
        assertThat(statusOf(ErrorCode.WORKER_FAILED)).isEqualTo(FlightStatusCode.UNAVAILABLE);
        assertThat(statusOf(ErrorCode.OUT_OF_MEMORY)).isEqualTo(FlightStatusCode.RESOURCE_EXHAUSTED);
        assertThat(statusOf(ErrorCode.LIMIT_EXCEEDED)).isEqualTo(FlightStatusCode.RESOURCE_EXHAUSTED);
        assertThat(statusOf(ErrorCode.INTERNAL_ERROR)).isEqualTo(FlightStatusCode.INTERNAL);
        assertThat(statusOf(ErrorCode.SYNTAX_ERROR)).isEqualTo(FlightStatusCode.INVALID_ARGUMENT);
        FlightRuntimeException f = WireErrors.toFlight(new MallardException(ErrorCode.SYNTAX_ERROR, "bad", 4, null));
        assertThat(f.status().description()).isEqualTo("SYNTAX_ERROR: bad (at position 4)");
    }

    private static FlightStatusCode statusOf(ErrorCode code) {
        return WireErrors.toFlight(new MallardException(code, "m")).status().code();
    }

    @Test
    void foreignErrorsMapByStatus() {
        assertThat(foreign(CallStatus.UNAUTHENTICATED).code()).isEqualTo(ErrorCode.AUTHENTICATION_FAILED);
        assertThat(foreign(CallStatus.UNAUTHORIZED).code()).isEqualTo(ErrorCode.PERMISSION_DENIED);
        assertThat(foreign(CallStatus.CANCELLED).code()).isEqualTo(ErrorCode.QUERY_CANCELLED);
        assertThat(foreign(CallStatus.TIMED_OUT).code()).isEqualTo(ErrorCode.TIMEOUT);
        assertThat(foreign(CallStatus.UNAVAILABLE).code()).isEqualTo(ErrorCode.CONNECTION_FAILED);
        assertThat(foreign(CallStatus.INVALID_ARGUMENT).code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
        assertThat(foreign(CallStatus.INTERNAL).code()).isEqualTo(ErrorCode.INTERNAL_ERROR);
        assertThat(foreign(CallStatus.UNKNOWN).code()).isEqualTo(ErrorCode.INTERNAL_ERROR);
        assertThat(foreign(CallStatus.NOT_FOUND).code()).isEqualTo(ErrorCode.INTERNAL_ERROR);
        MallardException e = foreign(CallStatus.UNAUTHENTICATED);
        assertThat(e.getMessage()).isEqualTo("foreign failure");
        assertThat(e.position()).isEmpty();
        assertThat(e.getCause()).isInstanceOf(FlightRuntimeException.class);
    }

    private static MallardException foreign(CallStatus status) {
        return WireErrors.fromFlight(status.withDescription("foreign failure").toRuntimeException());
    }

    @Test
    void aMallardDescriptionWhoseMetadataWasLostKeepsItsCodeWhenTheStatusAgrees() {
        MallardException kept = WireErrors.fromFlight(CallStatus.RESOURCE_EXHAUSTED
                .withDescription("LIMIT_EXCEEDED: too many failed logins").toRuntimeException());
        assertThat(kept.code()).isEqualTo(ErrorCode.LIMIT_EXCEEDED);
        assertThat(kept.getMessage()).isEqualTo("too many failed logins");
        MallardException mismatched = WireErrors.fromFlight(CallStatus.UNAUTHENTICATED
                .withDescription("LIMIT_EXCEEDED: a proxy's words").toRuntimeException());
        assertThat(mismatched.code()).isEqualTo(ErrorCode.AUTHENTICATION_FAILED);
    }

    @Test
    void foreignErrorWithoutDescriptionIsNamedByItsStatus() {
        MallardException e = WireErrors.fromFlight(CallStatus.UNAVAILABLE.toRuntimeException());
        assertThat(e.code()).isEqualTo(ErrorCode.CONNECTION_FAILED);
        assertThat(e.getMessage()).isEqualTo("UNAVAILABLE");
    }

    @Test
    void corruptMetadataFallsBackToTheStatus() {
        ErrorFlightMetadata metadata = new ErrorFlightMetadata();
        metadata.insert(WireErrors.METADATA_KEY, "{not json".getBytes(StandardCharsets.UTF_8));
        MallardException e = WireErrors.fromFlight(
                CallStatus.UNAUTHORIZED.withDescription("denied").withMetadata(metadata).toRuntimeException());
        assertThat(e.code()).isEqualTo(ErrorCode.PERMISSION_DENIED);
        assertThat(e.getMessage()).isEqualTo("denied");
    }

    @Test
    void codeUnknownToThisVersionBecomesInternalKeepingTheMessage() {
        ErrorFlightMetadata metadata = new ErrorFlightMetadata();
        metadata.insert(WireErrors.METADATA_KEY, Json.toBytes(new ErrorInfo("ADDED_IN_V9", "from the future", 5)));
        MallardException e = WireErrors.fromFlight(
                CallStatus.INVALID_ARGUMENT.withMetadata(metadata).toRuntimeException());
        assertThat(e.code()).isEqualTo(ErrorCode.INTERNAL_ERROR);
        assertThat(e.getMessage()).isEqualTo("from the future");
        assertThat(e.position()).hasValue(5);
    }

    @Test
    void theCodeTravelsAsItsWireName() {
        FlightRuntimeException f = WireErrors.toFlight(new MallardException(ErrorCode.FUNCTION_NOT_FOUND, "no f", 2, null));
        ErrorInfo sent = Json.fromBytes(f.status().metadata().getByte(WireErrors.METADATA_KEY), ErrorInfo.class);
        assertThat(sent).isEqualTo(new ErrorInfo(ErrorCode.FUNCTION_NOT_FOUND.wireName(), "no f", 2));
    }

    @Test
    void anyThrowableBecomesAFlightError() {
        FlightRuntimeException flight = CallStatus.CANCELLED.withDescription("c").toRuntimeException();
        assertThat(WireErrors.toFlight((Throwable) flight)).isSameAs(flight);
        MallardException coded = WireErrors.fromFlight(WireErrors.toFlight(
                (Throwable) new MallardException(ErrorCode.TIMEOUT, "slow", 2, null)));
        assertThat(coded.code()).isEqualTo(ErrorCode.TIMEOUT);
        assertThat(coded.position()).hasValue(2);
        MallardException unexpected = WireErrors.fromFlight(WireErrors.toFlight(new IllegalStateException("oops")));
        assertThat(unexpected.code()).isEqualTo(ErrorCode.INTERNAL_ERROR);
        assertThat(unexpected.getMessage()).isEqualTo("oops");
        assertThat(WireErrors.fromFlight(WireErrors.toFlight(new NullPointerException())).getMessage())
                .isEqualTo("NullPointerException");
    }

    /** Fails every ExplainRequest with the error its SQL names: "x", a code name, or "foreign" (a plain Flight error). */
    private static final class FailingProducer extends NoOpFlightProducer {
        @Override
        public void doAction(CallContext context, Action action, StreamListener<Result> listener) {
            String sql = Codec.decode(action.getBody(), Messages.ExplainRequest.class).sql();
            if (sql.equals("foreign")) {
                listener.onError(CallStatus.UNAUTHENTICATED.withDescription("no bearer token").toRuntimeException());
            } else if (sql.equals("x")) {
                listener.onError(WireErrors.toFlight(new MallardException(ErrorCode.TABLE_NOT_FOUND, "x", 7, null)));
            } else {
                listener.onError(WireErrors.toFlight(new MallardException(ErrorCode.fromWireName(sql).orElseThrow(),
                        MULTI_LINE, 11, null)));
            }
        }
    }

    @Test
    void errorSurvivesARealFlightCall() throws Exception {
        try (LoopbackFlight flight = new LoopbackFlight(new FailingProducer())) {
            MallardException e = catchThrowableOfType(MallardException.class,
                    () -> Rpc.call(flight.client, new Messages.ExplainRequest("x"), Messages.PlanDescription.class));
            assertThat(e).isNotNull();
            assertThat(e.code()).isEqualTo(ErrorCode.TABLE_NOT_FOUND);
            assertThat(e.getMessage()).isEqualTo("x");
            assertThat(e.position()).hasValue(7);
        }
    }

    @ParameterizedTest
    @EnumSource(ErrorCode.class)
    void everyCodeSurvivesARealFlightCall(ErrorCode code) throws Exception {
        try (LoopbackFlight flight = new LoopbackFlight(new FailingProducer())) {
            MallardException e = catchThrowableOfType(MallardException.class,
                    () -> Rpc.call(flight.client, new Messages.ExplainRequest(code.wireName()), Messages.PlanDescription.class));
            assertThat(e).isNotNull();
            assertThat(e.code()).isEqualTo(code);
            assertThat(e.getMessage()).isEqualTo(MULTI_LINE);
            assertThat(e.position()).hasValue(11);
        }
    }

    @Test
    void foreignErrorFromARealServerMapsByStatus() throws Exception {
        try (LoopbackFlight flight = new LoopbackFlight(new FailingProducer())) {
            MallardException e = catchThrowableOfType(MallardException.class,
                    () -> Rpc.call(flight.client, new Messages.ExplainRequest("foreign"), Messages.PlanDescription.class));
            assertThat(e).isNotNull();
            assertThat(e.code()).isEqualTo(ErrorCode.AUTHENTICATION_FAILED);
            assertThat(e.getMessage()).isEqualTo("no bearer token");
        }
    }
}
