package io.mallard.worker;

import io.grpc.ManagedChannel;
import io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.NettyChannelBuilder;
import io.mallard.protocol.Message;
import io.mallard.protocol.Rpc;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.apache.arrow.flight.CallOption;
import org.apache.arrow.flight.CallOptions;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.FlightGrpcUtils;
import org.apache.arrow.memory.BufferAllocator;

/**
 * The worker's one connection to the coordinator: a gRPC channel with keepalive pings, so that a peer that vanished
 * without closing the connection (frozen, cut off) is noticed within seconds, and a deadline on every call, so that no
 * thread of the worker waits on the network forever.
 */
final class CoordinatorLink implements AutoCloseable {
    /** How often an idle connection is pinged, and how long a ping may go unanswered before the connection is dropped. */
    static final long KEEPALIVE_MILLIS = 10_000;
    static final long KEEPALIVE_TIMEOUT_MILLIS = 5_000;

    private final ManagedChannel channel;
    private final FlightClient client;
    private final long callTimeoutMillis;

    CoordinatorLink(WorkerConfig config, BufferAllocator allocator) throws IOException {
        NettyChannelBuilder builder = NettyChannelBuilder.forAddress(config.coordinatorHost(), config.coordinatorPort())
                .maxInboundMessageSize(256 << 20)
                .keepAliveTime(KEEPALIVE_MILLIS, TimeUnit.MILLISECONDS)
                .keepAliveTimeout(KEEPALIVE_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS)
                .keepAliveWithoutCalls(true);
        if (config.insecure()) {
            builder.usePlaintext();
        } else {
            io.netty.handler.ssl.SslContextBuilder tls = GrpcSslContexts.forClient().trustManager(config.caCertificate().toFile());
            if (config.clientCertificate() != null) {
                tls.keyManager(config.clientCertificate().certificate().toFile(),
                        config.clientCertificate().privateKey().toFile());
            }
            builder.sslContext(tls.build());
        }
        this.channel = builder.build();
        this.client = FlightGrpcUtils.createFlightClient(allocator, channel);
        this.callTimeoutMillis = config.callTimeoutMillis();
    }

    FlightClient client() {
        return client;
    }

    /** A request/response call that fails with a coded error after the configured call timeout at the latest. */
    <T extends Message> T call(Message request, Class<T> replyType, CallOption auth) {
        return call(request, replyType, callTimeoutMillis, auth);
    }

    <T extends Message> T call(Message request, Class<T> replyType, long timeoutMillis, CallOption... auth) {
        CallOption[] options = new CallOption[auth.length + 1];
        System.arraycopy(auth, 0, options, 0, auth.length);
        options[auth.length] = CallOptions.timeout(timeoutMillis, TimeUnit.MILLISECONDS);
        return Rpc.call(client, request, replyType, options);
    }

    /**
     * After a failed call: try to connect again at the next call instead of after gRPC's own back-off, which grows to two
     * minutes and made workers rejoin a restarted coordinator up to a minute late.
     */
    void reconnectNow() {
        channel.resetConnectBackoff();
    }

    @Override
    public void close() throws InterruptedException {
        client.close(); // closes the channel it was made over
        channel.awaitTermination(5, TimeUnit.SECONDS);
    }
}
