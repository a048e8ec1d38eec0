package io.mallard.coordinator.scheduling;

import static org.assertj.core.api.Assertions.assertThat;

import io.mallard.coordinator.cluster.RegistryFixture;
import io.mallard.coordinator.cluster.WorkerRegistry;
import io.mallard.coordinator.combine.ShardStream;
import io.mallard.coordinator.scheduling.UploadFixture.Batch;
import io.mallard.protocol.Messages;
import io.mallard.protocol.Messages.TaskSpec;
import io.mallard.protocol.TaskKey;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Duplicates, over a real Flight server with two workers holding both shards: a straggler (far slower than its finished
 * sibling) and the task of a suspected worker each get a second attempt on the other worker; whichever answers first
 * is the shard's answer, the other attempt is cancelled on its worker and its late upload dropped.
 */
class SpeculationTest {
    @TempDir
    Path dir;

    private UploadFixture fixture;
    private List<String> workers;

    @BeforeEach
    void start() throws Exception {
        WorkerRegistry registry = RegistryFixture.registry(dir, 2, 2, 60_000, 100);
        workers = List.of(RegistryFixture.join(registry, dir, "a"), RegistryFixture.join(registry, dir, "b"));
        fixture = new UploadFixture(registry, 3.0, 200);
    }

    @AfterEach
    void stop() throws Exception {
        fixture.close();
    }

    @Test
    void aStragglerIsDuplicatedAndTheFirstAnswerWins() throws Exception {
        DistributedQuery query = fixture.dispatch("q1");
        Map<String, String> holder = handedOut();
        assertThat(fixture.upload(UploadFixture.header("q1", holder.get("shard-001"), 1, "shard-001"), List.of(Batch.untagged(7))))
                .isNull();
        String slow = holder.get("shard-000");
        String other = otherThan(slow);

        TaskSpec duplicate = nextTasks(other).get(0); // once shard-000 ran 200 ms, over three times shard-001's time
        assertThat(duplicate.shardId()).isEqualTo("shard-000");
        assertThat(duplicate.attempt()).isEqualTo(2);
        assertThat(fixture.upload(UploadFixture.header("q1", other, 2, "shard-000"), List.of(Batch.untagged(1, 2)))).isNull();

        ShardStream m0 = query.answers(UploadFixture.STREAM).get(0);
        assertThat(m0.answeredBy()).isEqualTo(2);
        assertThat(nextCancels(slow)).containsExactly(new TaskKey("q1", "shard-000", UploadFixture.STREAM, 1));
        // the straggler finishes after all: read to its end and dropped
        assertThat(fixture.upload(UploadFixture.header("q1", slow, 1, "shard-000"), List.of(Batch.untagged(1, 2, 3)))).isNull();
        assertThat(m0.rows()).isEqualTo(2);
        assertThat(query.failure()).isNull();
        assertThat(fixture.runningTasks()).isZero();
        fixture.finish(query);
    }

    @Test
    void aSuspectedWorkersTaskIsDuplicatedAndItsOwnAttemptMayStillWin() throws Exception {
        DistributedQuery query = fixture.dispatch("q2");
        Map<String, String> holder = handedOut();
        String suspected = holder.get("shard-000");
        String other = otherThan(suspected);

        fixture.scheduler.workerSuspected(suspected);
        List<TaskSpec> duplicates = nextTasks(other);
        assertThat(duplicates).extracting(TaskSpec::attempt).containsOnly(2);
        // it was only slow: its own attempt answers first, and the duplicate is cancelled
        assertThat(fixture.upload(UploadFixture.header("q2", suspected, 1, "shard-000"), List.of(Batch.untagged(5)))).isNull();
        assertThat(query.answers(UploadFixture.STREAM).get(0).answeredBy()).isEqualTo(1);
        assertThat(nextCancels(other)).contains(new TaskKey("q2", "shard-000", UploadFixture.STREAM, 2));
        assertThat(query.failure()).isNull();
        fixture.finish(query);
        assertThat(fixture.runningTasks()).isZero();
    }

    private Map<String, String> handedOut() throws InterruptedException {
        return fixture.handedOut(workers);
    }

    /** The tasks of the worker's next poll replies that carry any. */
    private List<TaskSpec> nextTasks(String worker) {
        List<TaskSpec> tasks = new ArrayList<>();
        UploadFixture.awaitCondition(() -> {
            tasks.addAll(poll(worker).tasks());
            return !tasks.isEmpty();
        });
        return tasks;
    }

    private List<TaskKey> nextCancels(String worker) {
        List<TaskKey> cancels = new ArrayList<>();
        UploadFixture.awaitCondition(() -> {
            cancels.addAll(poll(worker).cancelledTasks());
            return !cancels.isEmpty();
        });
        return cancels;
    }

    private Messages.PollReply poll(String worker) {
        try {
            return fixture.registry.poll(worker);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private String otherThan(String worker) {
        return workers.get(0).equals(worker) ? workers.get(1) : workers.get(0);
    }
}
