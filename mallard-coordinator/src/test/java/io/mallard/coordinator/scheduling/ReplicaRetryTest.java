package io.mallard.coordinator.scheduling;

import static org.assertj.core.api.Assertions.assertThat;

import io.mallard.common.ErrorCode;
import io.mallard.common.MallardException;
import io.mallard.coordinator.cluster.RegistryFixture;
import io.mallard.coordinator.cluster.WorkerRegistry;
import io.mallard.coordinator.combine.ShardStream;
import io.mallard.coordinator.scheduling.UploadFixture.Batch;
import io.mallard.protocol.ErrorInfo;
import io.mallard.protocol.Messages;
import io.mallard.protocol.Messages.TaskSpec;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Retries on another replica, over a real Flight server: two workers both hold both shards (R = 2). A task whose worker
 * breaks its upload, reports a failure of its own, or is lost runs again on the other worker, and only that attempt's
 * batches count; a failing SQL is not retried; when no holder is left the query fails naming shard and workers.
 */
class ReplicaRetryTest {
    @TempDir
    Path dir;

    private UploadFixture fixture;
    private List<String> workers;

    @BeforeEach
    void start() throws Exception {
        WorkerRegistry registry = RegistryFixture.registry(dir, 2, 2, 60_000, 100);
        workers = List.of(RegistryFixture.join(registry, dir, "a"), RegistryFixture.join(registry, dir, "b"));
        fixture = new UploadFixture(registry);
    }

    @AfterEach
    void stop() throws Exception {
        fixture.close();
    }

    @Test
    void aBrokenUploadRunsTheTaskAgainOnTheOtherReplicaAndOnlyThatAttemptCounts() throws Exception {
        DistributedQuery query = fixture.dispatch("q1");
        Map<String, String> holder = handedOut();
        String first = holder.get("shard-000");
        String other = otherThan(first);

        ShardStream m0 = query.answers(UploadFixture.STREAM).get(0);
        MallardException broken = fixture.uploadAndBreak(UploadFixture.header("q1", first, 1, "shard-000"),
                List.of(Batch.untagged(1, 2, 3)), () -> m0.rows() == 3);
        assertThat(broken).as("the worker's broken call").isNotNull();
        assertThat(query.failure()).as("a broken upload is retried, not fatal").isNull();
        TaskSpec retry = onlyTask(other);
        assertThat(retry.shardId()).isEqualTo("shard-000");
        assertThat(retry.attempt()).isEqualTo(2);

        assertThat(fixture.upload(UploadFixture.header("q1", other, 2, "shard-000"), List.of(Batch.untagged(10, 20)))).isNull();
        assertThat(fixture.upload(UploadFixture.header("q1", holder.get("shard-001"), 1, "shard-001"), List.of(Batch.untagged(7))))
                .isNull();

        assertThat(m0.ended()).isTrue();
        assertThat(m0.answeredBy()).isEqualTo(2);
        assertThat(m0.rows()).as("the broken attempt's three rows are dropped").isEqualTo(2);
        assertThat(query.failure()).isNull();
        QueryStats.TaskStats stats = query.stats().tasks().get(0);
        assertThat(stats.attempt()).isEqualTo(2);
        assertThat(stats.workerId()).isEqualTo(other);
        assertThat(fixture.runningTasks()).isZero();
        fixture.finish(query);
    }

    @Test
    void aLostWorkersTasksRunOnTheOtherReplicaAndItsLateUploadIsDropped() throws Exception {
        DistributedQuery query = fixture.dispatch("q2");
        Map<String, String> holder = handedOut();
        String lost = holder.get("shard-000");
        String other = otherThan(lost);

        fixture.scheduler.workerLost(lost);
        TaskSpec retry = onlyTask(other);
        assertThat(retry.shardId()).isEqualTo("shard-000");
        assertThat(retry.attempt()).isEqualTo(2);

        // the lost worker was only slow: its whole answer arrives after all, and is read to its end and dropped
        assertThat(fixture.upload(UploadFixture.header("q2", lost, 1, "shard-000"), List.of(Batch.untagged(1, 2, 3)))).isNull();
        assertThat(query.answers(UploadFixture.STREAM).get(0).ended()).isFalse();
        assertThat(fixture.upload(UploadFixture.header("q2", other, 2, "shard-000"), List.of(Batch.untagged(5)))).isNull();
        assertThat(query.answers(UploadFixture.STREAM).get(0).rows()).isEqualTo(1);
        assertThat(query.failure()).isNull();
        fixture.finish(query);
    }

    @Test
    void aFailureTheWorkerReportsAsItsOwnIsRetriedButAFailingSqlIsNot() throws Exception {
        DistributedQuery query = fixture.dispatch("q3");
        Map<String, String> holder = handedOut();
        String first = holder.get("shard-000");
        String other = otherThan(first);
        TaskSpec m0 = new TaskSpec("q3", "shard-000", UploadFixture.STREAM, 1, "SELECT k FROM t",
                RegistryFixture.task(fixture.registry, "q3", "shard-000").tables());

        fixture.scheduler.taskFailed(first, new Messages.TaskFailed(first, m0,
                new ErrorInfo("NO_WORKER_FOR_SHARD", "worker does not hold shard shard-000", -1)));
        assertThat(query.failure()).isNull();
        TaskSpec retry = onlyTask(other);
        assertThat(retry.attempt()).isEqualTo(2);

        fixture.scheduler.taskFailed(other, new Messages.TaskFailed(other, retry,
                new ErrorInfo("EXECUTION_ERROR", "Conversion Error: Could not convert string 'x' to INT32", -1)));
        assertThat(query.failure().code()).isEqualTo(ErrorCode.EXECUTION_ERROR);
        assertThat(query.failure().getMessage()).contains("Could not convert");
        assertThat(fixture.registry.poll(first).tasks()).as("the SQL's own failure is not retried").isEmpty();
        fixture.finish(query);
        assertThat(fixture.runningTasks()).isZero();
    }

    @Test
    void whenEveryHolderFailedTheQueryFailsNamingTheShardAndTheWorkersTried() throws Exception {
        DistributedQuery query = fixture.dispatch("q4");
        Map<String, String> holder = handedOut();
        String first = holder.get("shard-001");
        String other = otherThan(first);

        ShardStream m1 = query.answers(UploadFixture.STREAM).get(1);
        fixture.uploadAndBreak(UploadFixture.header("q4", first, 1, "shard-001"), List.of(Batch.untagged(1)), () -> m1.rows() == 1);
        assertThat(onlyTask(other).attempt()).isEqualTo(2);
        fixture.uploadAndBreak(UploadFixture.header("q4", other, 2, "shard-001"), List.of(Batch.untagged(1, 2)),
                () -> m1.rows() == 2);

        UploadFixture.awaitCondition(() -> query.failure() != null); // the server's thread notices the broken call
        MallardException failure = query.failure();
        assertThat(failure).isNotNull();
        assertThat(failure.code()).isEqualTo(ErrorCode.WORKER_FAILED);
        assertThat(failure.getMessage()).contains("shard-001").contains("tried: " + first).contains(other);
        fixture.finish(query);
        assertThat(fixture.runningTasks()).isZero();
    }

    private Map<String, String> handedOut() throws InterruptedException {
        return fixture.handedOut(workers);
    }

    /** The one task the worker's next poll replies carry (a broken upload is noticed on the server's own thread). */
    private TaskSpec onlyTask(String worker) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        List<TaskSpec> tasks = fixture.registry.poll(worker).tasks();
        while (tasks.isEmpty() && System.nanoTime() < deadline) {
            tasks = fixture.registry.poll(worker).tasks();
        }
        assertThat(tasks).as("tasks handed to %s", worker).hasSize(1);
        return tasks.get(0);
    }

    private String otherThan(String worker) {
        return workers.get(0).equals(worker) ? workers.get(1) : workers.get(0);
    }
}
