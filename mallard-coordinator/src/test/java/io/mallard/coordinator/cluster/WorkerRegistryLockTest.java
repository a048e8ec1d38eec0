package io.mallard.coordinator.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import io.mallard.common.ErrorCode;
import io.mallard.common.MallardException;
import io.mallard.data.table.DataFile;
import io.mallard.protocol.Messages;
import io.mallard.protocol.Messages.TaskSpec;
import io.mallard.protocol.ShardProofs;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Nothing slow happens under the registry's lock: a poll answer is sent, and a shard file hashed for a proof, with the
 * lock released, so another caller (here {@code status()}) gets through meanwhile. And a worker silent past its lease
 * is reported lost and its shards placed elsewhere.
 */
class WorkerRegistryLockTest {
    private static final int SHARDS = 2;

    @TempDir
    Path dir;

    private final ExecutorService other = Executors.newFixedThreadPool(2);

    @AfterEach
    void stop() {
        other.shutdownNow();
    }

    @Test
    void aPollAnswerIsSentWithTheLockReleasedAlsoWhileAQueryWaitsForAShard() throws Exception {
        try (WorkerRegistry registry = registry(1, 60_000)) {
            String worker = RegistryFixture.join(registry, dir, "a");
            CountDownLatch statusRead = new CountDownLatch(1);
            CompletableFuture<Boolean> answerSawStatus = new CompletableFuture<>();
            CompletableFuture<Messages.PollReply> reply = new CompletableFuture<>();
            registry.poll(worker, r -> {
                // the answer is being written; another thread must be able to use the registry meanwhile
                Future<?> read = other.submit(() -> {
                    registry.status();
                    statusRead.countDown();
                });
                try {
                    answerSawStatus.complete(statusRead.await(10, TimeUnit.SECONDS));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    answerSawStatus.complete(false);
                }
                read.cancel(true);
                reply.complete(r);
            });
            TaskSpec held = RegistryFixture.task(registry, "q1", "shard-000");
            TaskSpec orphan = RegistryFixture.task(registry, "q1", "m-unknown");
            // the held task is sent while the query waits for the orphan's holder
            assertThatThrownBy(() -> registry.assignAll(List.of(held, orphan), 300, (t, id) -> { }, (t, a) -> { }))
                    .isInstanceOfSatisfying(MallardException.class,
                            e -> assertThat(e.code()).isEqualTo(ErrorCode.NO_WORKER_FOR_SHARD));
            assertThat(answerSawStatus.getNow(false)).as("status() ran while the poll answer was being sent").isTrue();
            assertThat(reply.get(10, TimeUnit.SECONDS).tasks()).containsExactly(held);
        }
    }

    @Test
    void aProofHashesTheFileWithTheLockReleased() throws Exception {
        try (WorkerRegistry registry = registry(1, 60_000)) {
            String shard = "shard-000";
            String worker = RegistryFixture.join(registry, dir, "a", shard);
            DataFile stored = registry.snapshot().filesOfShard(0).get(0);
            // the coordinator's copy becomes a pipe: hashing it blocks until the test writes the bytes
            Path file = dir.resolve(stored.storeKey());
            byte[] bytes = Files.readAllBytes(file);
            Files.delete(file);
            Process mkfifo = new ProcessBuilder("mkfifo", file.toString()).start();
            assumeThat(mkfifo.waitFor(10, TimeUnit.SECONDS) && mkfifo.exitValue() == 0).as("mkfifo works here").isTrue();

            Messages.Challenge challenge = registry.fileReady(worker, stored.fileId());
            String digest = digestOf(challenge.nonce(), bytes);
            Future<Messages.Ack> proof = other.submit(() ->
                    registry.prove(new Messages.FileProof(worker, stored.fileId(), challenge.nonce(), digest)));
            // opening a pipe for writing waits for its reader: from here on the proof is hashing the file
            try (OutputStream out = Files.newOutputStream(file)) {
                Future<Messages.ClusterStatus> status = other.submit(registry::status);
                assertThat(status.get(10, TimeUnit.SECONDS).workers()).as("status() while a proof reads the file").hasSize(1);
                out.write(bytes);
            }
            assertThat(proof.get(10, TimeUnit.SECONDS).accepted()).isTrue();
            assertThat(registry.status().shards()).filteredOn(s -> s.id().equals(shard)).singleElement()
                    .satisfies(s -> assertThat(s.trustedOn()).containsExactly(worker));
        }
    }

    @Test
    void aWorkerSilentPastItsLeaseIsReportedLostAndItsShardsMove() throws Exception {
        CompletableFuture<String> lost = new CompletableFuture<>();
        try (WorkerRegistry registry = new WorkerRegistry(RegistryFixture.snapshot(dir, SHARDS), f -> dir.resolve(f.storeKey()),
                "token", 1, 1_000, 100, (file, worker) -> "https://example.invalid/" + file.fileId(), lost::complete)) {
            String silent = registry.register(new Messages.RegisterWorker("token", "silent", "0", 1, 1, 0)).workerId();
            assertThat(lost.get(10, TimeUnit.SECONDS)).isEqualTo(silent);
            String next = registry.register(new Messages.RegisterWorker("token", "next", "0", 1, 1, 0)).workerId();
            Messages.ClusterStatus status = registry.status();
            assertThat(status.workers()).filteredOn(w -> w.id().equals(silent)).singleElement()
                    .satisfies(w -> assertThat(w.state()).isEqualTo("gone"));
            assertThat(status.workers()).filteredOn(w -> w.id().equals(next)).singleElement()
                    .satisfies(w -> assertThat(w.assigned()).hasSize(SHARDS));
        }
    }

    private static String digestOf(String nonce, byte[] bytes) throws IOException {
        Path copy = Files.createTempFile("shard", ".bytes");
        try {
            Files.write(copy, bytes);
            return ShardProofs.digest(nonce, copy);
        } finally {
            Files.delete(copy);
        }
    }

    private WorkerRegistry registry(int replicas, long leaseMillis) throws IOException {
        return RegistryFixture.registry(dir, SHARDS, replicas, leaseMillis, 60_000);
    }

}
