package io.mallard.coordinator.flightsql;

import io.mallard.coordinator.server.ServerErrors;
import io.mallard.protocol.WireErrors;
import java.util.function.Consumer;
import org.apache.arrow.flight.FlightRuntimeException;

/**
 * The one place where a Flight SQL handler's failure becomes a Flight error: the Mallard error found in whatever was
 * thrown ({@link ServerErrors}), carried with its code ({@link WireErrors}). Handlers either return a value
 * ({@link #call}) or answer a listener ({@link #run}).
 */
final class ErrorGuard {
    private ErrorGuard() {
    }

    /** A handler's body that answers through a listener. */
    @FunctionalInterface
    interface Body {
        void run() throws Exception;
    }

    /** A handler's body that returns its answer. */
    @FunctionalInterface
    interface ValueBody<T> {
        T get() throws Exception;
    }

    /** Runs {@code body}; a failure goes to {@code onError} as a Flight error, and is never thrown. */
    static void run(Body body, Consumer<? super FlightRuntimeException> onError) {
        try {
            body.run();
        } catch (Exception e) {
            onError.accept(toFlight(e));
        }
    }

    /** Runs {@code body} and returns its value; a failure is thrown as a Flight error. */
    static <T> T call(ValueBody<T> body) {
        try {
            return body.get();
        } catch (Exception e) {
            throw toFlight(e);
        }
    }

    static FlightRuntimeException toFlight(Exception e) {
        if (e instanceof InterruptedException) {
            Thread.currentThread().interrupt();
        }
        return e instanceof FlightRuntimeException f ? f : WireErrors.toFlight(ServerErrors.translate(e));
    }
}
