package io.mallard.worker;

import io.mallard.common.ErrorCode;
import io.mallard.common.MallardException;
import io.mallard.common.security.ResourceLimits;
import io.mallard.protocol.Messages;
import io.mallard.protocol.Messages.ShardGrant;
import io.mallard.protocol.ShardProofs;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The shards this worker holds: fetches and verifies granted shards, opens them read-only, proves possession, and keeps
 * them open across registrations. After the coordinator restarts or the worker's lease lapses, the worker registers
 * again and is granted the same shards: an open shard whose hash matches is proved again without being fetched or
 * reopened (reopening a DuckDB file that a running query still holds, with other settings, fails).
 */
final class ShardKeeper implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ShardKeeper.class);
    /** Attempts at proving a shard while the coordinator is unreachable under the same session. */
    private static final int PROOF_ATTEMPTS = 5;

    private final Map<String, ShardDatabase> open = new ConcurrentHashMap<>();
    /** SHA-256 of each open shard's file, as verified when it was opened. */
    private final Map<String, String> openHashes = new ConcurrentHashMap<>();
    /** The memory limit each shard's DuckDB was first opened with: a reopen must use the same settings. */
    private final Map<String, Integer> shardsHeldAtOpen = new ConcurrentHashMap<>();
    private final Set<String> acquiring = ConcurrentHashMap.newKeySet();
    /**
     * Grants that arrived while the same shard was still being acquired (typically under an earlier registration):
     * acquired again once the running acquisition ends, so no grant is dropped.
     */
    private final Map<String, ShardGrant> queuedGrants = new HashMap<>();
    private final ExecutorService downloads;
    private final ShardFetcher fetcher;
    private final CoordinatorLink link;
    private final Supplier<Session> session;
    private final ResourceLimits limits;
    private final int threadsPerQuery;
    private volatile boolean closed;

    ShardKeeper(ShardFetcher fetcher, CoordinatorLink link, Supplier<Session> session, ResourceLimits limits,
            int threadsPerQuery) {
        this.fetcher = fetcher;
        this.link = link;
        this.session = session;
        this.limits = limits;
        this.threadsPerQuery = threadsPerQuery;
        this.downloads = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "mallard-fetch");
            t.setDaemon(true);
            return t;
        });
    }

    /** The open shards by id, which tasks run on. */
    Map<String, ShardDatabase> databases() {
        return open;
    }

    List<String> held() {
        return List.copyOf(open.keySet());
    }

    /** Starts acquiring a granted shard; one acquisition per shard at a time (a second would rewrite its file). */
    void grant(ShardGrant grant) {
        synchronized (queuedGrants) {
            if (acquiring.add(grant.shardId())) {
                submit(grant);
            } else {
                queuedGrants.put(grant.shardId(), grant);
            }
        }
    }

    /** The coordinator took the shard back (another worker holds it now). */
    void revoke(String shardId) {
        openHashes.remove(shardId);
        closeQuietly(open.remove(shardId));
    }

    private void submit(ShardGrant grant) {
        downloads.submit(() -> {
            try {
                acquire(grant);
            } catch (RuntimeException e) {
                LOG.error("acquiring shard {} failed: {}", grant.shardId(), e.toString());
            } finally {
                synchronized (queuedGrants) {
                    ShardGrant next = queuedGrants.remove(grant.shardId());
                    if (next != null && !closed) {
                        submit(next);
                    } else {
                        acquiring.remove(grant.shardId());
                    }
                }
            }
        });
    }

    /**
     * Fetch and verify (unless the shard is open already with the granted hash), open read-only, then prove possession;
     * only a proved shard receives tasks.
     */
    private void acquire(ShardGrant grant) {
        Session granted = session.get();
        ShardDatabase db = open.get(grant.shardId());
        if (db == null || !grant.sha256().equals(openHashes.get(grant.shardId()))) {
            Path file;
            try {
                file = fetcher.fetch(grant);
            } catch (MallardException e) {
                LOG.error("{}", e.getMessage());
                rejected(granted, grant, e.getMessage());
                return;
            } catch (IOException e) {
                LOG.error("download of shard {} failed: {}", grant.shardId(), e.toString());
                rejected(granted, grant, "download failed: " + e);
                return;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            try {
                db = new ShardDatabase(grant.shardId(), file, limits, threadsPerQuery,
                        shardsHeldAtOpen.computeIfAbsent(grant.shardId(), id -> open.size() + 1));
            } catch (SQLException e) {
                LOG.error("cannot open shard {}: {}", grant.shardId(), e.getMessage());
                rejected(granted, grant, "cannot open the shard: " + e.getMessage());
                return;
            }
            openHashes.put(grant.shardId(), grant.sha256());
            closeQuietly(open.put(grant.shardId(), db));
        }
        prove(granted, grant, db);
    }

    /**
     * Asks for a fresh nonce and answers with SHA-256(nonce ‖ file). While the coordinator cannot be reached under the
     * same session this is tried again a few times; when the session changed, the new session's grant proves it.
     */
    private void prove(Session s, ShardGrant grant, ShardDatabase db) {
        long backoff = 500;
        for (int attempt = 1; !closed; attempt++) {
            try {
                Messages.Challenge challenge = link.call(new Messages.ShardReady(s.workerId(), grant.shardId()),
                        Messages.Challenge.class, s.auth());
                Messages.Ack verdict = link.call(new Messages.ShardProof(s.workerId(), grant.shardId(), challenge.nonce(),
                        ShardProofs.digest(challenge.nonce(), db.file)), Messages.Ack.class, s.auth());
                if (verdict.accepted()) {
                    LOG.info("shard {} verified and proved", grant.shardId());
                } else {
                    LOG.error("coordinator refused the proof for shard {}: {}", grant.shardId(), verdict.message());
                    revoke(grant.shardId());
                    if (!fetcher.matches(grant)) {
                        // the file changed under the open shard: fetched, verified and proved again from scratch
                        acquire(grant);
                    }
                }
                return;
            } catch (IOException e) {
                LOG.error("cannot read shard {} for its proof: {}", grant.shardId(), e.getMessage());
                revoke(grant.shardId());
                return;
            } catch (MallardException e) {
                if (e.code() == ErrorCode.PERMISSION_DENIED) {
                    // the grant was withdrawn meanwhile: a worker that joined since holds it by placement
                    LOG.info("shard {} moved to another worker while it was acquired", grant.shardId());
                    revoke(grant.shardId());
                    return;
                }
                if (session.get() != s || e.code() == ErrorCode.AUTHENTICATION_FAILED) {
                    LOG.info("shard {}: the coordinator session changed; the next grant proves it", grant.shardId());
                    return; // kept open: proved again under the new session
                }
                if (attempt >= PROOF_ATTEMPTS) {
                    LOG.error("cannot prove shard {}: {}", grant.shardId(), e.getMessage());
                    return; // kept open: a later registration's grant proves it
                }
                LOG.warn("proving shard {} failed ({}); trying again", grant.shardId(), e.getMessage());
                link.reconnectNow();
                sleep(backoff);
                backoff *= 2;
            }
        }
    }

    private void rejected(Session s, ShardGrant grant, String why) {
        try {
            link.call(new Messages.ShardRejected(s.workerId(), grant.shardId(), why), Messages.Ack.class, s.auth());
        } catch (MallardException e) {
            LOG.warn("could not report shard rejection: {}", e.getMessage());
        }
    }

    private static void closeQuietly(ShardDatabase db) {
        if (db != null) {
            try {
                db.close();
            } catch (SQLException e) {
                LOG.debug("closing shard {}", db.shardId, e);
            }
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        closed = true;
        downloads.shutdownNow();
        try {
            downloads.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (String id : List.copyOf(open.keySet())) {
            revoke(id);
        }
    }
}
