package io.mallard.coordinator.server;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import java.net.InetSocketAddress;
import java.net.SocketAddress;

/**
 * The network address a call came from (host:port), for {@code mallard.workers} and the audit log. Flight does not expose it, so a gRPC
 * interceptor puts the transport's remote address in the call's {@link Context}, where the handler reads it.
 */
public final class PeerAddress implements ServerInterceptor {
    private static final Context.Key<String> ADDRESS = Context.key("mallard-peer-address");

    /** The address of the call being handled on this thread, or empty. */
    public static String current() {
        String address = ADDRESS.get();
        return address == null ? "" : address;
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        SocketAddress remote = call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR);
        if (!(remote instanceof InetSocketAddress inet)) {
            return next.startCall(call, headers);
        }
        String address = inet.getAddress().getHostAddress() + ":" + inet.getPort();
        return Contexts.interceptCall(Context.current().withValue(ADDRESS, address), call, headers, next);
    }
}
