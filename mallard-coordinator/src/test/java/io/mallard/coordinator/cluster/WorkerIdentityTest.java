package io.mallard.coordinator.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.mallard.protocol.Messages;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Names and pids are claims a worker makes; its id is the coordinator's. A second registration under a name and pid in
 * use (a holder of the join token posing as {@code w1}, pid 4242) gets an id of its own, does not end the first
 * worker's session, and both show up as {@code duplicate_name}; a URL issued to a worker stops working when it is gone.
 */
class WorkerIdentityTest {
    @TempDir
    Path dir;

    @Test
    void aSecondRegistrationUnderAUsedNameAndPidGetsItsOwnIdAndIsMarked() throws Exception {
        try (WorkerRegistry registry = RegistryFixture.registry(dir, 4, 1, 60_000, 500)) {
            Messages.WorkerRegistered first = registry.register(
                    new Messages.RegisterWorker("token", "w1", "test", 2, 1L << 30, 4242, "a".repeat(32)), "10.0.0.1:5000");
            Messages.WorkerRegistered second = registry.register(
                    new Messages.RegisterWorker("token", "w1", "test", 2, 1L << 30, 4242, "b".repeat(32)), "10.0.0.9:6000");
            Messages.WorkerRegistered other = registry.register(
                    new Messages.RegisterWorker("token", "edge-7", "test", 2, 1L << 30, 17, "c".repeat(32)), "");

            assertThat(List.of(first.workerId(), second.workerId(), other.workerId())).doesNotHaveDuplicates();
            assertThat(second.workerId()).as("the id is assigned, never the name claimed").isNotEqualTo("w1")
                    .isNotEqualTo(first.workerId());
            assertThat(registry.workerForToken(first.sessionToken())).as("the first session goes on")
                    .contains(first.workerId());
            assertThat(registry.workerForToken(second.sessionToken())).contains(second.workerId());

            List<Messages.WorkerView> views = registry.status().workers();
            assertThat(views).filteredOn(w -> w.name().equals("w1"))
                    .extracting(Messages.WorkerView::id, Messages.WorkerView::pid, Messages.WorkerView::duplicateName)
                    .containsExactlyInAnyOrder(
                            org.assertj.core.groups.Tuple.tuple(first.workerId(), 4242L, true),
                            org.assertj.core.groups.Tuple.tuple(second.workerId(), 4242L, true));
            assertThat(views).filteredOn(w -> w.name().equals("edge-7")).singleElement()
                    .satisfies(w -> assertThat(w.duplicateName()).isFalse())
                    .satisfies(w -> assertThat(w.certified()).isFalse());

            assertThat(registry.isMember(second.workerId())).isTrue();
            registry.leaving(second.workerId()); // drains
            registry.leaving(second.workerId()); // and leaves: gone
            assertThat(registry.isMember(second.workerId())).as("a URL issued to it is refused from now on").isFalse();
            assertThat(registry.isMember(first.workerId())).isTrue();
            assertThat(registry.isMember("w99")).isFalse();
            assertThat(registry.status().workers()).filteredOn(w -> w.id().equals(first.workerId())).singleElement()
                    .satisfies(w -> assertThat(w.duplicateName()).as("the other one is gone").isFalse());
        }
    }
}
