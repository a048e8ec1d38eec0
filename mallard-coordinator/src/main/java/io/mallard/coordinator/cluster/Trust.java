package io.mallard.coordinator.cluster;

import io.mallard.common.ErrorCode;
import io.mallard.common.MallardException;
import io.mallard.common.security.Secrets;
import io.mallard.data.table.DataFile;
import io.mallard.protocol.Messages;
import io.mallard.protocol.ShardProofs;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Proof of possession: a worker that downloaded and verified a file gets a fresh single-use nonce and must answer with
 * SHA-256(nonce ‖ file bytes); only then may its tasks read the file, and a shard is served only by workers that proved
 * every file of it. The coordinator hashes its own copy of the file with the lock released.
 */
final class Trust {
    private static final Logger LOG = LoggerFactory.getLogger(Trust.class);

    private final ClusterState state;
    private final Mailbox mailbox;
    /** The coordinator's local copy of a stored file, to check proofs against. */
    private final Function<DataFile, Path> localCopy;
    private final TrustTotals totals;

    Trust(ClusterState state, Mailbox mailbox, Function<DataFile, Path> localCopy, TrustTotals totals) {
        this.state = state;
        this.mailbox = mailbox;
        this.localCopy = localCopy;
        this.totals = totals;
    }

    /** The worker has the file's bytes and verified their hash: issue a single-use nonce. */
    Messages.Challenge fileReady(String workerId, String fileId) {
        String nonce = HexFormat.of().formatHex(Secrets.randomBytes(32));
        return state.locked(() -> {
            WorkerSession w = state.live(workerId);
            if (!w.granted.contains(fileId)) {
                throw new MallardException(ErrorCode.PERMISSION_DENIED, "file " + fileId + " is not granted to " + w.label());
            }
            w.nonces.put(fileId, nonce);
            w.verifying.add(fileId);
            w.refreshState();
            totals.filesVerified.increment();
            return new Messages.Challenge(fileId, nonce);
        });
    }

    /** Checks SHA-256(nonce ‖ file bytes) against the coordinator's copy; only then may the worker read the file. */
    Messages.Ack prove(Messages.FileProof proof) throws IOException {
        String fileId = proof.fileId();
        record Outstanding(String nonce, DataFile file) {
        }
        Outstanding challenge = state.locked(() -> new Outstanding(state.live(proof.workerId()).nonces.remove(fileId),
                state.snapshot.file(fileId).orElse(null)));
        if (challenge.nonce() == null || challenge.file() == null
                || !Secrets.constantTimeEquals(challenge.nonce(), proof.nonce())) {
            totals.proofsFailed.increment();
            LOG.warn("worker {} sent a proof for file {} without an outstanding challenge", proof.workerId(), fileId);
            return new Messages.Ack(false, "no outstanding challenge for file " + fileId);
        }
        // reading the file takes as long as the disk (or the store) does: never under the lock
        String expected = ShardProofs.digest(challenge.nonce(), localCopy.apply(challenge.file()));
        boolean ok = Secrets.constantTimeEquals(expected, proof.digest());
        String label = state.locked(() -> record(proof.workerId(), fileId, ok));
        (ok ? totals.proofsAccepted : totals.proofsFailed).increment();
        if (ok) {
            LOG.debug("worker {} proved file {}", label, fileId);
        } else {
            LOG.warn("worker {} failed the proof for file {}", label, fileId);
        }
        return new Messages.Ack(ok, ok ? "trusted" : "proof of possession failed for file " + fileId);
    }

    /** Trusts or rejects the file on the worker; returns the worker's label. Caller holds the lock. */
    private String record(String workerId, String fileId, boolean ok) {
        WorkerSession w = state.live(workerId);
        w.verifying.remove(fileId);
        if (ok && w.granted.contains(fileId)) {
            w.proved.add(fileId);
            w.rejected.remove(fileId);
        } else {
            w.rejected.add(fileId);
        }
        boolean wasTrusted = w.trusted.containsAll(w.assigned);
        state.refreshTrust(w);
        if (!wasTrusted && w.trusted.containsAll(w.assigned) && !w.assigned.isEmpty()) {
            LOG.info("worker {} proved every file of its shards {}", w.label(), w.assigned);
        }
        state.signalChange(); // queries waiting for a trusted holder
        // earlier holders of a moved shard's files may now hand them back
        state.workers.values().stream().filter(o -> o != w && o.granted.contains(fileId)).forEach(mailbox::wake);
        return w.label();
    }

    /** The worker's copy did not match the catalog's hash: the file is never trusted on it. */
    void fileRejected(Messages.FileRejected rejected) {
        String label = state.locked(() -> {
            WorkerSession w = state.live(rejected.workerId());
            w.rejected.add(rejected.fileId());
            w.verifying.remove(rejected.fileId());
            state.refreshTrust(w);
            return w.label();
        });
        totals.filesRejected.increment();
        LOG.warn("worker {} rejected file {}: {}", label, rejected.fileId(), rejected.reason());
    }
}
