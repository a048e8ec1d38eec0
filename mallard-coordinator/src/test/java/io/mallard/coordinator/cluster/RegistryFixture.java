package io.mallard.coordinator.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.mallard.common.security.Secrets;
import io.mallard.data.TableRole;
import io.mallard.data.table.ColumnDef;
import io.mallard.data.table.DataFile;
import io.mallard.data.table.Snapshot;
import io.mallard.data.table.TableDef;
import io.mallard.protocol.Messages;
import io.mallard.protocol.Messages.TaskSpec;
import io.mallard.protocol.ShardProofs;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A small catalog version (one partitioned table, one real file per shard) and workers that join a registry and prove
 * the files they are granted.
 */
public final class RegistryFixture {
    private RegistryFixture() {
    }

    /** Table {@code m} in {@code shards} shards, each with one small file stored under {@code dir}. */
    public static Snapshot snapshot(Path dir, int shards) throws IOException {
        TableDef table = new TableDef(1, "m", TableRole.PARTITIONED, List.of(), List.of(new ColumnDef(0, "x", "INTEGER", true)),
                List.of(), 1);
        List<DataFile> files = new ArrayList<>();
        for (int s = 0; s < shards; s++) {
            byte[] bytes = ("shard " + s).getBytes(StandardCharsets.UTF_8);
            String fileId = String.format("%032x", s + 1);
            String key = "tables/1/" + Snapshot.shardId(s) + "/" + fileId + ".duckdb";
            Path file = dir.resolve(key);
            Files.createDirectories(file.getParent());
            Files.write(file, bytes);
            files.add(new DataFile(fileId, 1, s, DataFile.Kind.DATA, key, bytes.length, Secrets.sha256Hex(bytes), 1,
                    List.of(0), null));
        }
        return new Snapshot(1, shards, List.of(table), files);
    }

    /** A registry over that version whose grant URLs lead nowhere and which ignores lost workers. */
    public static WorkerRegistry registry(Path dir, int shards, int replicas, long leaseMillis, long pollMillis)
            throws IOException {
        return new WorkerRegistry(snapshot(dir, shards), f -> dir.resolve(f.storeKey()), "token", replicas, leaseMillis,
                pollMillis, (file, worker) -> "https://example.invalid/" + file.fileId(), id -> { });
    }

    /** A task of query {@code queryId} reading table {@code m} on shard {@code shard} of the registry's version. */
    public static TaskSpec task(WorkerRegistry registry, String queryId, String shardId) {
        Snapshot snapshot = registry.snapshot();
        List<Messages.FileScan> files = snapshot.filesOfShard(Snapshot.shardNumber(shardId)).stream()
                .map(f -> new Messages.FileScan(f.fileId(), f.columnIds(), null)).toList();
        return new TaskSpec(queryId, shardId, "s", 1, "SELECT 1",
                List.of(new Messages.TableScan("m", List.of(new Messages.ColumnScan(0, "x", "INTEGER")), files)));
    }

    /** Registers a worker and has it download (nothing) and prove every file it is granted but those of {@code unproved}. */
    public static String join(WorkerRegistry registry, Path dir, String name, String... unproved)
            throws IOException, InterruptedException {
        String id = registry.register(new Messages.RegisterWorker("token", name, "0", 1, 1, 0)).workerId();
        Snapshot snapshot = registry.snapshot();
        for (Messages.FileGrant grant : registry.poll(id).grants()) {
            DataFile file = snapshot.file(grant.fileId()).orElseThrow();
            if (Set.of(unproved).contains(Snapshot.shardId(file.shard()))) {
                continue;
            }
            Messages.Challenge challenge = registry.fileReady(id, grant.fileId());
            Messages.Ack ack = registry.prove(new Messages.FileProof(id, grant.fileId(), challenge.nonce(),
                    ShardProofs.digest(challenge.nonce(), dir.resolve(file.storeKey()))));
            assertThat(ack.accepted()).as(ack.message()).isTrue();
        }
        return id;
    }
}
