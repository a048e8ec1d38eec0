package io.mallard.coordinator.scheduling;

import static org.assertj.core.api.Assertions.assertThat;

import io.mallard.common.ErrorCode;
import io.mallard.common.MallardException;
import io.mallard.coordinator.cluster.RegistryFixture;
import io.mallard.coordinator.cluster.WorkerRegistry;
import io.mallard.coordinator.combine.ShardStream;
import io.mallard.coordinator.scheduling.UploadFixture.Batch;
import io.mallard.protocol.BatchTag;
import io.mallard.protocol.Messages;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A worker's DoPut as the scheduler takes it, over a real Flight server on port 0: batches of a shared upload go to
 * their tasks by their {@link BatchTag}, each task is accepted once and only from its worker, junk is refused, and
 * nothing is left allocated.
 */
class ResultReceiverTest {
    private static final String STREAM = UploadFixture.STREAM;

    @TempDir
    Path dir;

    private UploadFixture fixture;
    private String worker;

    @BeforeEach
    void start() throws Exception {
        WorkerRegistry registry = RegistryFixture.registry(dir, 2, 1, 60_000, 60_000);
        worker = RegistryFixture.join(registry, dir, "a");
        fixture = new UploadFixture(registry);
    }

    @AfterEach
    void stop() throws Exception {
        fixture.close();
    }

    @Test
    void aSharedUploadRoutesEachBatchToItsTaskByItsTag() throws Exception {
        DistributedQuery query = dispatch("q1");
        List<Batch> batches = List.of(new Batch(BatchTag.batch(1), 10, 20), new Batch(BatchTag.batch(0), 1),
                new Batch(BatchTag.end(0)), new Batch(BatchTag.batch(1), 30), new Batch(BatchTag.end(1)));
        assertThat(upload(header("q1", worker, 1, "shard-000", "shard-001"), batches)).isNull();

        List<ShardStream> answers = query.answers(STREAM);
        assertThat(answers).extracting(ShardStream::shardId).containsExactly("shard-000", "shard-001");
        assertThat(answers).extracting(ShardStream::rows).containsExactly(1L, 3L);
        assertThat(answers).allMatch(ShardStream::ended);
        assertThat(query.stats().tasksFinished()).isEqualTo(2);
        assertThat(query.failure()).isNull();
        assertThat(runningTasks()).as("the worker has no task left").isZero();
        finish(query);
    }

    @Test
    void aTagThatIsNotACodecTagFailsTheQueryAsAProtocolError() throws Exception {
        DistributedQuery query = dispatch("q2");
        List<Batch> batches = List.of(new Batch(BatchTag.batch(0), 1), new Batch("0:END".getBytes(StandardCharsets.US_ASCII)));
        MallardException refused = upload(header("q2", worker, 1, "shard-000", "shard-001"), batches);
        assertThat(refused).isNotNull();
        assertThat(refused.code()).isEqualTo(ErrorCode.PROTOCOL_ERROR);
        assertThat(query.failure().code()).isEqualTo(ErrorCode.PROTOCOL_ERROR);
        finish(query);
    }

    @Test
    void anUploadForAnotherAttemptOrWorkerIsRefusedWithoutHarmingTheQuery() throws Exception {
        DistributedQuery query = dispatch("q3");
        assertThat(upload(header("q3", worker, 2, "shard-000"), List.of(Batch.untagged(1))).code())
                .isEqualTo(ErrorCode.PROTOCOL_ERROR);
        assertThat(upload(header("q3", "w-other", 1, "shard-000"), List.of(Batch.untagged(1))).code())
                .isEqualTo(ErrorCode.PROTOCOL_ERROR);
        assertThat(query.failure()).isNull();

        // the right attempt is still accepted, once
        assertThat(upload(header("q3", worker, 1, "shard-000"), List.of(Batch.untagged(1, 2)))).isNull();
        assertThat(upload(header("q3", worker, 1, "shard-000"), List.of(Batch.untagged(3))).code())
                .isEqualTo(ErrorCode.PROTOCOL_ERROR);
        assertThat(query.answers(STREAM).get(0).rows()).isEqualTo(2);
        finish(query);
    }

    @Test
    void aSharedUploadThatEndsBeforeItsTasksDidFailsAsWorkerFailed() throws Exception {
        DistributedQuery query = dispatch("q4");
        MallardException refused = upload(header("q4", worker, 1, "shard-000", "shard-001"),
                List.of(new Batch(BatchTag.batch(0), 1), new Batch(BatchTag.end(0)), new Batch(BatchTag.batch(1), 2)));
        assertThat(refused.code()).isEqualTo(ErrorCode.WORKER_FAILED);
        assertThat(refused.getMessage()).contains("shard-001").contains(worker);
        assertThat(query.failure().code()).isEqualTo(ErrorCode.WORKER_FAILED);
        assertThat(runningTasks()).isZero();
        finish(query);
    }

    private DistributedQuery dispatch(String queryId) throws InterruptedException {
        return fixture.dispatch(queryId);
    }

    private void finish(DistributedQuery query) {
        fixture.finish(query);
    }

    private static Messages.TaskResult header(String queryId, String workerId, int attempt, String... shards) {
        return UploadFixture.header(queryId, workerId, attempt, shards);
    }

    private MallardException upload(Messages.TaskResult header, List<Batch> batches) {
        return fixture.upload(header, batches);
    }

    private int runningTasks() {
        return fixture.runningTasks();
    }
}
