package io.mallard.coordinator.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mallard.common.ErrorCode;
import io.mallard.common.MallardException;
import io.mallard.data.table.Snapshot;
import io.mallard.protocol.Messages;
import io.mallard.protocol.Messages.TaskSpec;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link WorkerRegistry#assignAll}: one query's tasks, balanced over the holders, each worker's in one poll reply; and
 * the long-poll that carries them, which waits without a thread.
 */
class WorkerRegistryAssignTest {
    private static final int SHARDS = 6;

    @TempDir
    Path dir;

    @Test
    void eachWorkerTakesAllOfItsTasksInOnePollReplyAndTheyAreBalanced() throws Exception {
        // two replicas on two workers: every shard is on both, so only the balancing decides
        try (WorkerRegistry registry = RegistryFixture.registry(dir, SHARDS, 2, 60_000, 200)) {
            List<String> workers = List.of(join(registry, "a"), join(registry, "b"));
            List<TaskSpec> tasks = new ArrayList<>();
            for (int s = 0; s < SHARDS; s++) {
                tasks.add(RegistryFixture.task(registry, "q1", Snapshot.shardId(s)));
            }
            Map<TaskSpec, String> chosen = new HashMap<>();
            registry.assignAll(tasks, 1_000, chosen::put, (task, assignment) ->
                    assertThat(assignment.workerId()).isEqualTo(chosen.get(task)));

            assertThat(chosen).hasSize(SHARDS);
            for (String worker : workers) {
                List<TaskSpec> mine = tasks.stream().filter(t -> chosen.get(t).equals(worker)).toList();
                assertThat(mine).as("tasks of %s", worker).hasSize(SHARDS / 2);
                assertThat(registry.poll(worker).tasks()).as("first poll reply of %s", worker).containsExactlyElementsOf(mine);
                assertThat(registry.poll(worker).tasks()).isEmpty();
            }
        }
    }

    @Test
    void aShardThatNoWorkerHasProvedFailsAfterTheWaitNamingIt() throws Exception {
        try (WorkerRegistry registry = RegistryFixture.registry(dir, SHARDS, 1, 60_000, 200)) {
            String worker = join(registry, "a");
            List<TaskSpec> tasks = List.of(RegistryFixture.task(registry, "q1", "shard-000"),
                    RegistryFixture.task(registry, "q1", "m-unknown"));
            List<TaskSpec> handedOut = new ArrayList<>();
            assertThatThrownBy(() -> registry.assignAll(tasks, 50, (task, id) -> handedOut.add(task), (task, a) -> { }))
                    .isInstanceOf(MallardException.class)
                    .satisfies(e -> assertThat(((MallardException) e).code()).isEqualTo(ErrorCode.NO_WORKER_FOR_SHARD))
                    .hasMessageContaining("m-unknown");
            // the task handed out before the wait reached its worker
            assertThat(handedOut).containsExactly(tasks.get(0));
            assertThat(registry.poll(worker).tasks()).containsExactly(tasks.get(0));
        }
    }

    @Test
    void aWaitingPollHoldsNoThreadAndIsAnsweredByTheAssignmentOrItsDeadline() throws Exception {
        long pollMillis = 300;
        try (WorkerRegistry registry = RegistryFixture.registry(dir, SHARDS, 1, 60_000, pollMillis)) {
            String worker = join(registry, "a");
            List<String> answeredBy = new ArrayList<>();
            CompletableFuture<Messages.PollReply> withWork = new CompletableFuture<>();
            registry.poll(worker, reply -> {
                answeredBy.add(Thread.currentThread().getName());
                withWork.complete(reply);
            });
            // nothing to do: the call returned without an answer, and nothing waits in this thread
            assertThat(withWork).isNotDone();

            TaskSpec task = RegistryFixture.task(registry, "q1", "shard-000");
            registry.assignAll(List.of(task), 1_000, (t, id) -> { }, (t, a) -> { });
            // answered by the assigning thread once it released the lock, long before the deadline
            assertThat(withWork.getNow(null)).as("answered by the assignment").isNotNull();
            assertThat(withWork.get().tasks()).containsExactly(task);
            assertThat(answeredBy).containsExactly(Thread.currentThread().getName());

            CompletableFuture<Messages.PollReply> idle = new CompletableFuture<>();
            long started = System.nanoTime();
            registry.poll(worker, idle::complete);
            Messages.PollReply empty = idle.get(10, TimeUnit.SECONDS);
            assertThat(empty.isEmpty()).isTrue();
            assertThat((System.nanoTime() - started) / 1_000_000).as("answered at the poll interval, not before")
                    .isGreaterThanOrEqualTo(pollMillis);
        }
    }

    @Test
    void aSecondPollAnswersTheFirstEmptyAndTakesTheWork() throws Exception {
        try (WorkerRegistry registry = RegistryFixture.registry(dir, SHARDS, 1, 60_000, 60_000)) {
            String worker = join(registry, "a");
            CompletableFuture<Messages.PollReply> abandoned = new CompletableFuture<>();
            registry.poll(worker, abandoned::complete);
            CompletableFuture<Messages.PollReply> current = new CompletableFuture<>();
            registry.poll(worker, current::complete);
            assertThat(abandoned.getNow(null)).as("the earlier poll is answered at once").isNotNull();
            assertThat(abandoned.get().isEmpty()).isTrue();

            TaskSpec task = RegistryFixture.task(registry, "q1", "shard-000");
            registry.assignAll(List.of(task), 1_000, (t, id) -> { }, (t, a) -> { });
            assertThat(current.getNow(null)).as("the task goes to the poll still open").isNotNull();
            assertThat(current.get().tasks()).containsExactly(task);
        }
    }

    @Test
    void closingAnswersTheWaitingPolls() throws Exception {
        CompletableFuture<Messages.PollReply> waiting = new CompletableFuture<>();
        try (WorkerRegistry registry = RegistryFixture.registry(dir, SHARDS, 1, 60_000, 60_000)) {
            registry.poll(join(registry, "a"), waiting::complete);
            assertThat(waiting).isNotDone();
        }
        assertThat(waiting.getNow(null)).as("answered when the registry closed").isNotNull();
    }

    private String join(WorkerRegistry registry, String name) throws IOException, InterruptedException {
        return RegistryFixture.join(registry, dir, name);
    }

}
