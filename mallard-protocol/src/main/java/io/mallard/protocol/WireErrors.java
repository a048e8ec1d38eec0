package io.mallard.protocol;

import io.mallard.common.ErrorCode;
import io.mallard.common.Json;
import io.mallard.common.MallardException;
import org.apache.arrow.flight.CallStatus;
import org.apache.arrow.flight.ErrorFlightMetadata;
import org.apache.arrow.flight.FlightRuntimeException;
import org.apache.arrow.flight.FlightStatusCode;

/**
 * Carries a {@link MallardException} across Flight: the gRPC status gives the coarse class, the
 * {@code mallard-error-bin} metadata entry carries the exact {@link ErrorInfo}, so a client sees the worker's or
 * coordinator's code and message unchanged.
 */
public final class WireErrors {
    static final String METADATA_KEY = "mallard-error-bin";

    private WireErrors() {
    }

    public static FlightRuntimeException toFlight(MallardException e) {
        ErrorFlightMetadata metadata = new ErrorFlightMetadata();
        metadata.insert(METADATA_KEY, Json.toBytes(ErrorInfo.of(e)));
        return statusFor(e.code()).withDescription(e.describe()).withMetadata(metadata).toRuntimeException();
    }

    /** Any throwable as a Flight error; unexpected ones become INTERNAL_ERROR without leaking a stack trace. */
    public static FlightRuntimeException toFlight(Throwable t) {
        if (t instanceof FlightRuntimeException f) {
            return f;
        }
        if (t instanceof MallardException m) {
            return toFlight(m);
        }
        String message = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
        return toFlight(new MallardException(ErrorCode.INTERNAL_ERROR, message, t));
    }

    /** Recovers the exact error from a Flight failure; errors not made by Mallard get a code from the gRPC status. */
    /**
     * The code of a description in this codec's own {@code CODE: message} form whose metadata was lost on the way (the
     * Flight header-authentication path keeps only status and description), when that code travels with
     * {@code status}: a refused login that was {@code LIMIT_EXCEEDED} stays so.
     */
    private static java.util.Optional<ErrorCode> describedCode(String description, FlightStatusCode status) {
        int colon = description.indexOf(": ");
        if (colon <= 0) {
            return java.util.Optional.empty();
        }
        return ErrorCode.fromWireName(description.substring(0, colon))
                .filter(named -> toFlight(new MallardException(named, "")).status().code() == status);
    }

    public static MallardException fromFlight(FlightRuntimeException e) {
        ErrorFlightMetadata metadata = e.status().metadata();
        if (metadata != null && metadata.containsKey(METADATA_KEY)) {
            byte[] bytes = metadata.getByte(METADATA_KEY);
            try {
                return Json.fromBytes(bytes, ErrorInfo.class).toException();
            } catch (MallardException ignored) {
                // fall through to the status-based mapping
            }
        }
        ErrorCode code = switch (e.status().code()) {
            case UNAUTHENTICATED -> ErrorCode.AUTHENTICATION_FAILED;
            case UNAUTHORIZED -> ErrorCode.PERMISSION_DENIED;
            case CANCELLED -> ErrorCode.QUERY_CANCELLED;
            case TIMED_OUT -> ErrorCode.TIMEOUT;
            case UNAVAILABLE -> ErrorCode.CONNECTION_FAILED; // the peer could not be reached, or not over TLS
            case INVALID_ARGUMENT -> ErrorCode.INVALID_ARGUMENT;
            default -> ErrorCode.INTERNAL_ERROR;
        };
        String description = e.status().description();
        String message = description == null || description.isEmpty() ? e.status().code().name() : description;
        code = describedCode(message, e.status().code()).orElse(code);
        if (message.startsWith(code.wireName() + ": ")) {
            message = message.substring(code.wireName().length() + 2); // a Mallard description whose metadata was lost
        }
        Throwable cause = e.status().cause() != null ? e.status().cause() : e.getCause();
        while (cause != null && cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        if (cause != null && cause.getMessage() != null && !message.contains(cause.getMessage())) {
            message = message + ": " + cause.getMessage(); // "io exception" alone does not say what failed
        }
        return new MallardException(code, message, e);
    }

    static CallStatus statusFor(ErrorCode code) {
        return switch (code) {
            case AUTHENTICATION_FAILED -> CallStatus.UNAUTHENTICATED;
            case PERMISSION_DENIED -> CallStatus.UNAUTHORIZED;
            case QUERY_CANCELLED -> CallStatus.CANCELLED;
            case TIMEOUT -> CallStatus.TIMED_OUT;
            case WORKER_FAILED, NO_WORKER_FOR_SHARD, PARTITIONS_OFFLINE, CONNECTION_FAILED, TLS_FAILED -> CallStatus.UNAVAILABLE;
            case OUT_OF_MEMORY, LIMIT_EXCEEDED -> CallStatus.RESOURCE_EXHAUSTED;
            case INTERNAL_ERROR, PROTOCOL_ERROR, IO_ERROR -> CallStatus.INTERNAL;
            default -> CallStatus.INVALID_ARGUMENT;
        };
    }
}
