package io.mallard.client;

import io.grpc.ConnectivityState;
import io.grpc.ManagedChannel;
import io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.NettyChannelBuilder;
import io.mallard.common.ErrorCode;
import io.mallard.common.MallardException;
import io.mallard.protocol.ConnectionErrors;
import java.io.IOException;
import java.util.ArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.arrow.flight.CallOption;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.FlightGrpcUtils;
import org.apache.arrow.flight.FlightRuntimeException;
import org.apache.arrow.flight.grpc.CredentialCallOption;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;

/**
 * A logged-in Flight connection to a coordinator, shared by both clients: TLS trusting the cluster's CA (or plaintext
 * with {@code insecure}), user name and password exchanged for a bearer token that every call carries. The connection
 * pings the coordinator every {@link #KEEPALIVE_MILLIS} (also while idle) and gives up on it after
 * {@link #KEEPALIVE_TIMEOUT_MILLIS} without an answer, so a coordinator that vanished (killed, its host gone) fails the
 * calls waiting on it with CONNECTION_FAILED instead of leaving them hanging.
 */
record FlightLogin(ConnectOptions options, BufferAllocator allocator, ManagedChannel channel, FlightClient flight,
        CallOption token) implements AutoCloseable {
    /** How often the connection is pinged, and how long a ping may go unanswered. */
    static final long KEEPALIVE_MILLIS = 10_000;
    static final long KEEPALIVE_TIMEOUT_MILLIS = 5_000;

    /**
     * Connects and logs in; fails with AUTHENTICATION_FAILED on a wrong user or password, CONNECTION_FAILED when the
     * coordinator cannot be reached and TLS_FAILED when the TLS handshake fails ({@link ConnectionErrors}).
     */
    static FlightLogin open(ConnectOptions options) {
        BufferAllocator allocator = new RootAllocator();
        ManagedChannel channel = null;
        FlightClient flight = null;
        try {
            NettyChannelBuilder builder = NettyChannelBuilder.forAddress(options.host(), options.port())
                    .maxInboundMessageSize(Integer.MAX_VALUE)
                    .keepAliveTime(KEEPALIVE_MILLIS, TimeUnit.MILLISECONDS)
                    .keepAliveTimeout(KEEPALIVE_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS)
                    .keepAliveWithoutCalls(true);
            if (options.insecure()) {
                builder.usePlaintext();
            } else {
                io.netty.handler.ssl.SslContextBuilder tls = GrpcSslContexts.forClient()
                        .trustManager(options.caCertificate().toFile());
                if (options.clientCertificate() != null) {
                    tls.keyManager(options.clientCertificate().toFile(), options.clientKey().toFile());
                }
                builder.sslContext(tls.build());
            }
            channel = builder.build();
            flight = FlightGrpcUtils.createFlightClient(allocator, channel, new ArrayList<>());
            return new FlightLogin(options, allocator, channel, flight, logIn(flight, options));
        } catch (IOException | IllegalArgumentException e) {
            close(flight, channel, allocator);
            throw new MallardException(ErrorCode.INVALID_ARGUMENT, "cannot read CA certificate " + options.caCertificate()
                    + ": " + e.getMessage(), e);
        } catch (FlightRuntimeException e) {
            close(flight, channel, allocator);
            throw ConnectionErrors.explain(e, target(options));
        } catch (MallardException e) {
            close(flight, channel, allocator);
            throw ConnectionErrors.explain(e, target(options));
        } catch (RuntimeException e) {
            close(flight, channel, allocator);
            throw e;
        }
    }

    /** The coordinator {@code options} connect to, for connection errors. */
    static ConnectionErrors.Target target(ConnectOptions options) {
        return new ConnectionErrors.Target(options.host(), options.port(), options.insecure(), options.caCertificate());
    }

    private static CallOption logIn(FlightClient flight, ConnectOptions options) {
        CredentialCallOption token = flight.authenticateBasicToken(options.user(), options.password())
                .orElseThrow(() -> new MallardException(ErrorCode.AUTHENTICATION_FAILED, "the coordinator issued no token"));
        return token;
    }

    /** A new session's token over the same connection (the coordinator restarted and forgot the old one). */
    CallOption logInAgain() {
        return logIn(flight, options);
    }

    /** The next call connects at once, not after gRPC's growing reconnect pause. */
    void resetConnectBackoff() {
        channel.resetConnectBackoff();
    }

    /**
     * Connects again at once, not after gRPC's reconnect pause, and waits up to {@code timeoutMillis} for the outcome:
     * true when the connection is ready, false when it was refused again (or the time ran out).
     */
    boolean reconnect(long timeoutMillis) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        channel.resetConnectBackoff();
        ConnectivityState state = channel.getState(true);
        boolean attempted = state != ConnectivityState.TRANSIENT_FAILURE;
        while (state != ConnectivityState.READY && !(attempted && state == ConnectivityState.TRANSIENT_FAILURE)) {
            long left = deadline - System.nanoTime();
            if (left <= 0 || state == ConnectivityState.SHUTDOWN) {
                return false;
            }
            CountDownLatch changed = new CountDownLatch(1);
            channel.notifyWhenStateChanged(state, changed::countDown);
            changed.await(left, TimeUnit.NANOSECONDS);
            state = channel.getState(true);
            attempted |= state == ConnectivityState.CONNECTING || state == ConnectivityState.IDLE;
        }
        return state == ConnectivityState.READY;
    }

    private static void close(FlightClient flight, ManagedChannel channel, BufferAllocator allocator) {
        try {
            if (flight != null) {
                flight.close(); // closes the channel it was made over
            } else if (channel != null) {
                channel.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        allocator.close();
    }

    @Override
    public void close() {
        close(flight, channel, allocator);
    }
}
