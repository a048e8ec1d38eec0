package io.mallard.coordinator.web;

import com.sun.net.httpserver.HttpExchange;
import io.mallard.protocol.Messages;
import java.io.IOException;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Kubernetes' probes. {@code /health}: the coordinator answers (200). {@code /ready}: it can answer queries — its
 * catalog is loaded and every shard has at least one trusted (proved, live) holder: 200, else 503 with the reason.
 */
public final class Probes {
    /** How many missing shards a 503 names. */
    private static final int NAMED = 5;

    private final BooleanSupplier catalogLoaded;
    private final Supplier<Messages.ClusterStatus> cluster;

    /**
     * @param catalogLoaded whether the coordinator finished starting (catalog, reference copy, Flight endpoint)
     * @param cluster       the workers and shards as they stand
     */
    public Probes(BooleanSupplier catalogLoaded, Supplier<Messages.ClusterStatus> cluster) {
        this.catalogLoaded = catalogLoaded;
        this.cluster = cluster;
    }

    /** Serves {@code /health} and {@code /ready}. */
    public void addTo(WebRouter router) {
        router.route("/health", this::health).route("/ready", this::ready);
    }

    private void health(HttpExchange exchange) throws IOException {
        if (Responses.readOnly(exchange)) {
            Responses.text(exchange, 200, "ok");
        }
    }

    private void ready(HttpExchange exchange) throws IOException {
        if (Responses.readOnly(exchange)) {
            String reason = notReady();
            Responses.text(exchange, reason == null ? 200 : 503, reason == null ? "ready" : "not ready: " + reason);
        }
    }

    /** Why the coordinator cannot answer queries yet, or null when it can. */
    public String notReady() {
        if (!catalogLoaded.getAsBoolean()) {
            return "the coordinator is starting (loading the catalog and its copy of the reference tables)";
        }
        Messages.ClusterStatus status = cluster.get();
        List<String> unserved = status.shards().stream().filter(s -> s.trustedOn().isEmpty())
                .map(Messages.ShardView::id).toList();
        if (unserved.isEmpty()) {
            return null;
        }
        String named = String.join(", ", unserved.subList(0, Math.min(NAMED, unserved.size())))
                + (unserved.size() > NAMED ? ", …" : "");
        return unserved.size() + " of " + status.shards().size() + " shards have no trusted worker (" + named + ")";
    }
}
