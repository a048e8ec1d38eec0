package io.mallard.coordinator.flightsql;

import io.grpc.Context;

/**
 * Notices a client that goes away while its call is still being handled. Flight delivers its own cancel callback only
 * after the handler returns (gRPC serializes a call's callbacks), but gRPC cancels the call's {@link Context} at once; a
 * query blocked waiting for its workers is cancelled from there.
 */
final class CallCancellation implements AutoCloseable {
    private final Context context;
    private final Context.CancellationListener listener;

    private CallCancellation(Context context, Context.CancellationListener listener) {
        this.context = context;
        this.listener = listener;
    }

    /** Runs {@code action} (on gRPC's thread) if the current call is cancelled before {@link #close()}. */
    static CallCancellation onCancel(Runnable action) {
        Context context = Context.current();
        Context.CancellationListener listener = cancelled -> action.run();
        context.addListener(listener, Runnable::run);
        return new CallCancellation(context, listener);
    }

    @Override
    public void close() {
        context.removeListener(listener);
    }
}
