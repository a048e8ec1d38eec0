package io.mallard.coordinator.cluster;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;

/**
 * Rendezvous (highest-random-weight) hashing: each shard goes to the R workers with the highest
 * weight(shard, worker). A worker joining or leaving moves only the shards whose top R changed.
 */
final class RendezvousPlacement {
    private RendezvousPlacement() {
    }

    /** A SHA-256 instance per thread: {@code MessageDigest.getInstance} costs more than hashing a short key. */
    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    });

    private record Weighted(String workerId, long weight) {
    }

    /** The top-{@code replicas} workers for a shard, best first. Each weight is computed once (a sort would redo it). */
    static List<String> place(String shardId, Collection<String> workerIds, int replicas) {
        return workerIds.stream()
                .map(w -> new Weighted(w, weight(shardId, w)))
                .sorted(Comparator.comparingLong(Weighted::weight).reversed().thenComparing(Weighted::workerId))
                .limit(replicas)
                .map(Weighted::workerId)
                .toList();
    }

    static long weight(String shardId, String workerId) {
        MessageDigest digest = SHA256.get();
        byte[] hash = digest.digest((shardId + "\u0000" + workerId).getBytes(StandardCharsets.UTF_8));
        long value = 0;
        for (int i = 0; i < 8; i++) {
            value = (value << 8) | (hash[i] & 0xff);
        }
        return value >>> 1; // non-negative, so ordering is plain long ordering
    }
}
