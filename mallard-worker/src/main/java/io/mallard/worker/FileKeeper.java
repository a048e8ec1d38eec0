package io.mallard.worker;

import io.mallard.common.ErrorCode;
import io.mallard.common.MallardException;
import io.mallard.protocol.Messages;
import io.mallard.protocol.Messages.FileGrant;
import io.mallard.protocol.ShardProofs;
import java.io.IOException;
import java.nio.file.Files;
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
 * The files this worker holds: fetches and verifies granted files, proves possession of each, and keeps them across
 * registrations. After the coordinator restarts or the worker's lease lapses, the worker registers again and is granted
 * the same files: a held file whose hash matches is proved again without being fetched. Files are immutable, so a
 * file id always means the same bytes.
 */
final class FileKeeper implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(FileKeeper.class);
    /** Attempts at proving a file while the coordinator is unreachable under the same session. */
    private static final int PROOF_ATTEMPTS = 5;

    /** Files verified on disk (whether proved to the current session or not): what tasks may read. */
    private final Set<String> held = ConcurrentHashMap.newKeySet();
    /** SHA-256 of each held file, as verified. */
    private final Map<String, String> hashes = new ConcurrentHashMap<>();
    private final Set<String> acquiring = ConcurrentHashMap.newKeySet();
    /** Grants that arrived while the same file was still being acquired: acquired again afterwards. */
    private final Map<String, FileGrant> queuedGrants = new HashMap<>();
    /** Revoked files a running task still read: deleted at a later revocation round. */
    private final Set<String> toForget = ConcurrentHashMap.newKeySet();
    private final ExecutorService downloads;
    private final ShardFetcher fetcher;
    private final WorkerDatabase database;
    private final CoordinatorLink link;
    private final Supplier<Session> session;
    private volatile boolean closed;
    /** The session generation whose first grants were swept against (see {@link #sweepUnclaimed}). */
    private final java.util.concurrent.atomic.AtomicLong sweptGeneration = new java.util.concurrent.atomic.AtomicLong();

    FileKeeper(ShardFetcher fetcher, WorkerDatabase database, CoordinatorLink link, Supplier<Session> session) {
        this.fetcher = fetcher;
        this.database = database;
        this.link = link;
        this.session = session;
        this.downloads = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "mallard-fetch");
            t.setDaemon(true);
            return t;
        });
    }

    /** The files tasks may read now. */
    Set<String> held() {
        return held;
    }

    List<String> heldList() {
        return List.copyOf(held);
    }

    /**
     * Once per coordinator session, at its first grants (which name every file of the shards it assigned): drops the
     * files those grants do not name. On disk they are what a worker restarted with its data directory kept of versions
     * that are gone; held, what a coordinator that restarted meanwhile no longer knows it granted. Current files are
     * granted at once and kept, their hashes checked, without a download; a file granted later is fetched again.
     */
    void sweepUnclaimed(List<FileGrant> grants, long sessionGeneration) {
        if (grants.isEmpty() || sweptGeneration.getAndSet(sessionGeneration) == sessionGeneration) {
            return;
        }
        Set<String> wanted = new java.util.HashSet<>(acquiring);
        grants.forEach(g -> wanted.add(g.fileId()));
        for (String fileId : List.copyOf(held)) {
            if (!wanted.contains(fileId)) {
                revoke(fileId); // deleted once no task reads it
            }
        }
        wanted.addAll(held);
        wanted.addAll(toForget);
        int deleted = 0;
        try (java.util.stream.Stream<Path> paths = Files.list(fetcher.dataDir())) {
            for (Path p : paths.toList()) {
                String name = p.getFileName().toString();
                if (name.matches("[0-9a-f]{8,64}\\.duckdb") && !wanted.contains(name.substring(0, name.indexOf('.')))) {
                    Files.deleteIfExists(p);
                    deleted++;
                }
            }
        } catch (IOException e) {
            LOG.warn("cannot sweep the data directory: {}", e.getMessage());
        }
        if (deleted > 0) {
            LOG.info("deleted {} files of the data directory that no current version names", deleted);
        }
    }

    /** Starts acquiring a granted file; one acquisition per file at a time. */
    void grant(FileGrant grant) {
        synchronized (queuedGrants) {
            if (acquiring.add(grant.fileId())) {
                submit(grant);
            } else {
                queuedGrants.put(grant.fileId(), grant);
            }
        }
    }

    /** The coordinator took a file back: no new task reads it; it is deleted once no running task does. */
    void revoke(String fileId) {
        held.remove(fileId);
        hashes.remove(fileId);
        toForget.add(fileId);
        forgetIdle();
    }

    /** Detaches and deletes revoked files that no running task reads any more. */
    void forgetIdle() {
        for (String fileId : List.copyOf(toForget)) {
            if (held.contains(fileId)) {
                toForget.remove(fileId); // granted again meanwhile
                continue;
            }
            try {
                if (database.forget(fileId)) {
                    toForget.remove(fileId);
                    Files.deleteIfExists(fetcher.fileOf(fileId));
                }
            } catch (SQLException | IOException e) {
                LOG.warn("cannot drop file {}: {}", fileId, e.getMessage());
            }
        }
    }

    private void submit(FileGrant grant) {
        downloads.submit(() -> {
            try {
                acquire(grant);
            } catch (RuntimeException e) {
                LOG.error("acquiring file {} failed: {}", grant.fileId(), e.toString());
            } finally {
                synchronized (queuedGrants) {
                    FileGrant next = queuedGrants.remove(grant.fileId());
                    if (next != null && !closed) {
                        submit(next);
                    } else {
                        acquiring.remove(grant.fileId());
                    }
                }
            }
        });
    }

    /** Fetch and verify (unless the file is held with the granted hash), then prove possession. */
    private void acquire(FileGrant grant) {
        Session granted = session.get();
        if (!grant.sha256().equals(hashes.get(grant.fileId()))) {
            Path file;
            try {
                file = fetcher.fetch(grant);
            } catch (MallardException e) {
                LOG.error("{}", e.getMessage());
                rejected(granted, grant, e.getMessage());
                return;
            } catch (IOException e) {
                LOG.error("download of file {} failed: {}", grant.fileId(), e.toString());
                rejected(granted, grant, "download failed: " + e);
                return;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            hashes.put(grant.fileId(), grant.sha256());
            LOG.debug("file {} verified at {}", grant.fileId(), file);
        }
        toForget.remove(grant.fileId());
        held.add(grant.fileId());
        prove(granted, grant);
    }

    /**
     * Asks for a fresh nonce and answers with SHA-256(nonce ‖ file). While the coordinator cannot be reached under the
     * same session this is tried again a few times; when the session changed, the new session's grant proves it.
     */
    private void prove(Session s, FileGrant grant) {
        long backoff = 500;
        for (int attempt = 1; !closed; attempt++) {
            try {
                Messages.Challenge challenge = link.call(new Messages.FileReady(s.workerId(), grant.fileId()),
                        Messages.Challenge.class, s.auth());
                Messages.Ack verdict = link.call(new Messages.FileProof(s.workerId(), grant.fileId(), challenge.nonce(),
                        ShardProofs.digest(challenge.nonce(), fetcher.fileOf(grant.fileId()))), Messages.Ack.class, s.auth());
                if (verdict.accepted()) {
                    LOG.debug("file {} proved", grant.fileId());
                } else {
                    LOG.error("coordinator refused the proof for file {}: {}", grant.fileId(), verdict.message());
                    revoke(grant.fileId());
                }
                return;
            } catch (IOException e) {
                LOG.error("cannot read file {} for its proof: {}", grant.fileId(), e.getMessage());
                revoke(grant.fileId());
                return;
            } catch (MallardException e) {
                if (e.code() == ErrorCode.PERMISSION_DENIED) {
                    // the grant was withdrawn meanwhile (the shard moved, or the file left every version)
                    LOG.info("file {} was withdrawn while it was acquired", grant.fileId());
                    return;
                }
                if (session.get() != s || e.code() == ErrorCode.AUTHENTICATION_FAILED) {
                    LOG.info("file {}: the coordinator session changed; the next grant proves it", grant.fileId());
                    return; // kept: proved again under the new session
                }
                if (attempt >= PROOF_ATTEMPTS) {
                    LOG.error("cannot prove file {}: {}", grant.fileId(), e.getMessage());
                    return; // kept: a later registration's grant proves it
                }
                LOG.warn("proving file {} failed ({}); trying again", grant.fileId(), e.getMessage());
                link.reconnectNow();
                sleep(backoff);
                backoff *= 2;
            }
        }
    }

    private void rejected(Session s, FileGrant grant, String why) {
        try {
            link.call(new Messages.FileRejected(s.workerId(), grant.fileId(), why), Messages.Ack.class, s.auth());
        } catch (MallardException e) {
            LOG.warn("could not report file rejection: {}", e.getMessage());
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
    }
}
