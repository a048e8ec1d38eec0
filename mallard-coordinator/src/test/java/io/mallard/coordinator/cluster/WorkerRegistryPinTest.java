package io.mallard.coordinator.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.mallard.common.security.Secrets;
import io.mallard.data.table.DataFile;
import io.mallard.data.table.Snapshot;
import io.mallard.protocol.Messages.TaskSpec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A query pinned a version, a commit then replaced a file of it, and the query has not handed out its tasks yet: the
 * workers keep that file while the version is pinned, so the query's tasks still find a worker; once unpinned, the file
 * is taken back.
 */
class WorkerRegistryPinTest {
    @TempDir
    Path dir;

    @Test
    void aFileAPinnedVersionNamesStaysWithItsWorkerUntilUnpinned() throws Exception {
        Set<String> pinned = ConcurrentHashMap.newKeySet();
        Snapshot v1 = RegistryFixture.snapshot(dir, 2);
        try (WorkerRegistry registry = new WorkerRegistry(v1, f -> dir.resolve(f.storeKey()), "token", 1, 60_000, 200,
                (file, worker) -> "https://example.invalid/" + file.fileId(), id -> { }, pinned::contains)) {
            String worker = RegistryFixture.join(registry, dir, "a");
            TaskSpec pinnedTask = RegistryFixture.task(registry, "q1", "shard-000"); // reads v1's file of shard 0
            DataFile old = v1.filesOfShard(0).get(0);
            pinned.add(old.fileId());

            registry.onSnapshot(replaced(v1, old));
            assertThat(registry.poll(worker).revoked()).as("a pinned file is kept").doesNotContain(old.fileId());
            Map<TaskSpec, String> chosen = new HashMap<>();
            registry.assignAll(List.of(pinnedTask), 1_000, chosen::put, (task, assignment) -> { });
            assertThat(chosen).containsEntry(pinnedTask, worker);
            registry.taskFinished(worker, pinnedTask.taskKey());

            pinned.remove(old.fileId());
            assertThat(registry.poll(worker).revoked()).as("unpinned, it is taken back").contains(old.fileId());
        }
    }

    /** Version 2: {@code old} replaced by a new file of the same shard. */
    private Snapshot replaced(Snapshot base, DataFile old) throws Exception {
        byte[] bytes = "shard 0, compacted".getBytes(StandardCharsets.UTF_8);
        String fileId = String.format("%032x", 99);
        String key = "tables/1/shard-000/" + fileId + ".duckdb";
        Files.write(Files.createDirectories(dir.resolve(key).getParent()).resolve(fileId + ".duckdb"), bytes);
        List<DataFile> files = new ArrayList<>(base.files());
        files.remove(old);
        files.add(new DataFile(fileId, 1, 0, DataFile.Kind.DATA, key, bytes.length, Secrets.sha256Hex(bytes), 1, List.of(0),
                null));
        return new Snapshot(2, base.shardCount(), base.tables(), files);
    }
}
