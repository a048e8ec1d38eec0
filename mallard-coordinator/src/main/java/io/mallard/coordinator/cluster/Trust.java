package io.mallard.coordinator.cluster;

import io.mallard.common.ErrorCode;
import io.mallard.common.MallardException;
import io.mallard.common.security.Secrets;
import io.mallard.data.ShardInfo;
import io.mallard.protocol.Messages;
import io.mallard.protocol.ShardProofs;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HexFormat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Proof of possession: a worker that downloaded and verified a shard gets a fresh single-use nonce and must answer with
 * SHA-256(nonce ‖ shard bytes); only then may it serve the shard. The coordinator hashes its own copy of the file with
 * the lock released.
 */
final class Trust {
    private static final Logger LOG = LoggerFactory.getLogger(Trust.class);

    private final ClusterState state;
    private final Mailbox mailbox;
    private final Path dataDir;

    Trust(ClusterState state, Mailbox mailbox, Path dataDir) {
        this.state = state;
        this.mailbox = mailbox;
        this.dataDir = dataDir;
    }

    /** The worker has the shard's bytes and verified their hash: issue a single-use nonce. */
    Messages.Challenge shardReady(String workerId, String shardId) {
        String nonce = HexFormat.of().formatHex(Secrets.randomBytes(32));
        return state.locked(() -> {
            WorkerSession w = state.live(workerId);
            if (!w.granted.contains(shardId)) {
                throw new MallardException(ErrorCode.PERMISSION_DENIED, "shard " + shardId + " is not granted to " + w.label());
            }
            w.nonces.put(shardId, nonce);
            w.verifying.add(shardId);
            w.refreshState();
            return new Messages.Challenge(shardId, nonce);
        });
    }

    /** Checks SHA-256(nonce ‖ shard bytes) against the coordinator's copy; only then may the worker serve the shard. */
    Messages.Ack prove(Messages.ShardProof proof) throws IOException {
        String shardId = proof.shardId();
        record Outstanding(String nonce, ShardInfo shard) {
        }
        Outstanding challenge = state.locked(() -> new Outstanding(state.live(proof.workerId()).nonces.remove(shardId),
                state.manifest.shard(shardId).orElse(null)));
        if (challenge.nonce() == null || challenge.shard() == null
                || !Secrets.constantTimeEquals(challenge.nonce(), proof.nonce())) {
            return new Messages.Ack(false, "no outstanding challenge for shard " + shardId);
        }
        // reading the shard file takes as long as the disk does: never under the lock
        String expected = ShardProofs.digest(challenge.nonce(), dataDir.resolve(challenge.shard().file()));
        boolean ok = Secrets.constantTimeEquals(expected, proof.digest());
        String label = state.locked(() -> record(proof.workerId(), shardId, ok));
        if (ok) {
            LOG.info("worker {} proved shard {}", label, shardId);
        } else {
            LOG.warn("worker {} failed the proof for shard {}", label, shardId);
        }
        return new Messages.Ack(ok, ok ? "trusted" : "proof of possession failed for shard " + shardId);
    }

    /** Trusts or rejects the shard on the worker; returns the worker's label. Caller holds the lock. */
    private String record(String workerId, String shardId, boolean ok) {
        WorkerSession w = state.live(workerId);
        w.verifying.remove(shardId);
        if (ok && w.granted.contains(shardId)) {
            state.trust(w, shardId);
        } else {
            w.rejected.add(shardId);
        }
        w.refreshState();
        state.signalChange(); // queries waiting for a trusted holder
        // earlier holders of a moved shard may now hand it back
        state.workers.values().stream().filter(o -> o.granted.contains(shardId) && !o.assigned.contains(shardId))
                .forEach(mailbox::wake);
        return w.label();
    }

    /** The worker's copy did not match the manifest's hash: the shard is never trusted on it. */
    void shardRejected(Messages.ShardRejected rejected) {
        String label = state.locked(() -> {
            WorkerSession w = state.live(rejected.workerId());
            w.rejected.add(rejected.shardId());
            w.verifying.remove(rejected.shardId());
            w.refreshState();
            return w.label();
        });
        LOG.warn("worker {} rejected shard {}: {}", label, rejected.shardId(), rejected.reason());
    }
}
