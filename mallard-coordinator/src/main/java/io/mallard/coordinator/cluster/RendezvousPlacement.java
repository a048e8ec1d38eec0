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
public final class RendezvousPlacement {
    private RendezvousPlacement() {
    }

    /** The top-{@code replicas} workers for a shard, best first. */
    public static List<String> place(String shardId, Collection<String> workerIds, int replicas) {
        return workerIds.stream()
                .sorted(Comparator.comparingLong((String w) -> weight(shardId, w)).reversed().thenComparing(w -> w))
                .limit(replicas)
                .toList();
    }

    static long weight(String shardId, String workerId) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            byte[] hash = digest.digest((shardId + "\u0000" + workerId).getBytes(StandardCharsets.UTF_8));
            long value = 0;
            for (int i = 0; i < 8; i++) {
                value = (value << 8) | (hash[i] & 0xff);
            }
            return value >>> 1; // non-negative, so ordering is plain long ordering
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
