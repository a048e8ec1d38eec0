package io.mallard.coordinator.cluster;

import java.util.concurrent.atomic.LongAdder;

/**
 * What workers did to earn trust since the coordinator started: files they downloaded and verified (each then gets a
 * challenge), files whose hash did not match on the worker, proofs of possession accepted and failed, and
 * registrations refused for a wrong join token. Read by the metrics.
 */
public final class TrustTotals {
    final LongAdder filesVerified = new LongAdder();
    final LongAdder filesRejected = new LongAdder();
    final LongAdder proofsAccepted = new LongAdder();
    final LongAdder proofsFailed = new LongAdder();
    final LongAdder joinsRefused = new LongAdder();

    /** Files a worker downloaded and verified against the catalog's SHA-256 (it then proves possession). */
    public long filesVerified() {
        return filesVerified.sum();
    }

    /** Files whose download did not match the catalog's SHA-256 on the worker. */
    public long filesRejected() {
        return filesRejected.sum();
    }

    public long proofsAccepted() {
        return proofsAccepted.sum();
    }

    public long proofsFailed() {
        return proofsFailed.sum();
    }

    /** Registrations refused because the worker did not know the join token. */
    public long joinsRefused() {
        return joinsRefused.sum();
    }
}
