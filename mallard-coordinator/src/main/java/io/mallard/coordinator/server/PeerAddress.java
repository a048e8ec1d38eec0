package io.mallard.coordinator.server;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerStreamTracer;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The network address a call came from (host:port), for {@code mallard.workers} and the audit log. Flight does not
 * expose it, so a gRPC interceptor puts the transport's remote address in the call's {@link Context}, where the
 * handler reads it. Flight's own interceptor, which authenticates the call, runs before any interceptor added to the
 * server, so for the authenticator a stream tracer ({@link #tracer()}) fills a holder in the call's first context,
 * before any interceptor runs.
 */
public final class PeerAddress implements ServerInterceptor {
    private static final Context.Key<String> ADDRESS = Context.key("mallard-peer-address");
    private static final Context.Key<AtomicReference<String>> EARLY = Context.key("mallard-peer-address-early");

    /** The address of the call being handled on this thread, or empty. */
    public static String current() {
        String address = ADDRESS.get();
        if (address != null) {
            return address;
        }
        AtomicReference<String> early = EARLY.get();
        return early == null ? "" : early.get();
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        String address = format(call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR));
        if (address.isEmpty()) {
            return next.startCall(call, headers);
        }
        return Contexts.interceptCall(Context.current().withValue(ADDRESS, address), call, headers, next);
    }

    /** Knows the address before any interceptor runs: gRPC starts a call's tracer first. */
    static ServerStreamTracer.Factory tracer() {
        return new ServerStreamTracer.Factory() {
            @Override
            public ServerStreamTracer newServerStreamTracer(String fullMethodName, Metadata headers) {
                AtomicReference<String> holder = new AtomicReference<>("");
                return new ServerStreamTracer() {
                    @Override
                    public Context filterContext(Context context) {
                        return context.withValue(EARLY, holder);
                    }

                    @Override
                    public void serverCallStarted(ServerCallInfo<?, ?> callInfo) {
                        holder.set(format(callInfo.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR)));
                    }
                };
            }
        };
    }

    private static String format(SocketAddress remote) {
        return remote instanceof InetSocketAddress inet ? inet.getAddress().getHostAddress() + ":" + inet.getPort() : "";
    }
}
