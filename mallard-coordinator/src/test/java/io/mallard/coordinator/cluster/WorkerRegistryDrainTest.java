package io.mallard.coordinator.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.mallard.data.table.Snapshot;
import io.mallard.protocol.Messages;
import io.mallard.protocol.Messages.TaskSpec;
import io.mallard.protocol.ShardProofs;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Draining a worker: its polls wait like anyone's (they were answered at once, a tight loop), it keeps serving the
 * shards nobody else proved yet, it gives each back once its new holder proved it, and, holding nothing, it leaves.
 */
class WorkerRegistryDrainTest {
    @TempDir
    Path dir;

    @Test
    void aDrainedWorkerHandsItsShardsOverThenLeaves() throws Exception {
        try (WorkerRegistry registry = RegistryFixture.registry(dir, 8, 1, 60_000, 500)) {
            String leaving = RegistryFixture.join(registry, dir, "a");
            String staying = RegistryFixture.join(registry, dir, "b");
            registry.poll(leaving); // a gives back what b took over when it joined
            List<String> handedOver = trusted(registry, leaving);
            assertThat(handedOver).as("a must hold shards for this test").isNotEmpty();

            assertThat(registry.drain("a")).contains(leaving).contains("draining");
            CompletableFuture<Messages.PollReply> poll = new CompletableFuture<>();
            registry.poll(leaving, poll::complete);
            assertThat(poll).as("nothing to do: the draining worker's poll waits").isNotDone();

            // until b proved them, a still serves its shards: the task wakes its waiting poll
            TaskSpec task = RegistryFixture.task(registry, "q1", handedOver.get(0));
            assertThat(registry.assignElsewhere(task, Set.of(), id -> { }).orElseThrow().workerId()).isEqualTo(leaving);
            Messages.PollReply withTask = poll.get(10, TimeUnit.SECONDS);
            assertThat(withTask.tasks()).containsExactly(task);
            assertThat(withTask.drain()).isTrue();

            proveNewGrants(registry, staying);
            List<String> revoked = new java.util.ArrayList<>(registry.poll(leaving).revoked());
            assertThat(revoked).as("kept while its task runs").doesNotContainAnyElementsOf(task.fileIds());
            registry.taskFinished(leaving, task.taskKey());
            revoked.addAll(registry.poll(leaving).revoked());
            assertThat(revoked).as("given back once b proved them and no task runs on them")
                    .containsExactlyInAnyOrderElementsOf(filesOf(registry, handedOver));
            assertThat(trusted(registry, staying)).containsAll(handedOver);

            registry.leaving(leaving);
            assertThat(state(registry, leaving)).isEqualTo("gone");
            assertThat(registry.status().allShardsServed()).isTrue();
        }
    }

    @Test
    void theLastWorkerDrainedGivesEverythingBack() throws Exception {
        try (WorkerRegistry registry = RegistryFixture.registry(dir, 2, 1, 60_000, 60_000)) {
            String only = RegistryFixture.join(registry, dir, "a");
            registry.drain(only);
            Messages.PollReply reply = registry.poll(only);
            assertThat(reply.revoked()).as("no one will ever take them over")
                    .containsExactlyInAnyOrderElementsOf(filesOf(registry, List.of("shard-000", "shard-001")));
            registry.leaving(only);
            assertThat(state(registry, only)).isEqualTo("gone");
        }
    }

    private void proveNewGrants(WorkerRegistry registry, String worker) throws Exception {
        Messages.PollReply reply = registry.poll(worker);
        assertThat(reply.grants()).isNotEmpty();
        Snapshot snapshot = registry.snapshot();
        for (Messages.FileGrant grant : reply.grants()) {
            Messages.Challenge challenge = registry.fileReady(worker, grant.fileId());
            Path file = dir.resolve(snapshot.file(grant.fileId()).orElseThrow().storeKey());
            assertThat(registry.prove(new Messages.FileProof(worker, grant.fileId(), challenge.nonce(),
                    ShardProofs.digest(challenge.nonce(), file))).accepted()).isTrue();
        }
    }

    /** The file ids of these shards at the registry's version. */
    private static List<String> filesOf(WorkerRegistry registry, List<String> shards) {
        Snapshot snapshot = registry.snapshot();
        return shards.stream().flatMap(s -> snapshot.filesOfShard(Snapshot.shardNumber(s)).stream())
                .map(io.mallard.data.table.DataFile::fileId).toList();
    }

    private static List<String> trusted(WorkerRegistry registry, String worker) {
        return registry.status().workers().stream().filter(w -> w.id().equals(worker)).findFirst().orElseThrow().trusted();
    }

    private static String state(WorkerRegistry registry, String worker) {
        return registry.status().workers().stream().filter(w -> w.id().equals(worker)).findFirst().orElseThrow().state();
    }
}
