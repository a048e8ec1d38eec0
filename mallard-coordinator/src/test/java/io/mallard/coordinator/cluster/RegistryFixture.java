package io.mallard.coordinator.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.mallard.data.DataParams;
import io.mallard.data.DatasetManifest;
import io.mallard.data.Manifest;
import io.mallard.data.ShardInfo;
import io.mallard.protocol.Messages;
import io.mallard.protocol.ShardProofs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** A small measurements manifest with real shard files, and workers that join a registry and prove their shards. */
public final class RegistryFixture {
    private RegistryFixture() {
    }

    /** {@code shards} shards {@code m-0 … m-(n-1)} of dataset {@code measurements}, each a small file under {@code dir}. */
    public static Manifest manifest(Path dir, int shards) throws IOException {
        Files.createDirectories(dir.resolve("shards"));
        List<ShardInfo> infos = new ArrayList<>();
        for (int s = 0; s < shards; s++) {
            String file = "shards/m-" + s + ".duckdb";
            Files.writeString(dir.resolve(file), "shard " + s);
            infos.add(new ShardInfo("m-" + s, "measurements", s, file, 7, "00", Map.of()));
        }
        return new Manifest(Manifest.FORMAT_VERSION, 1, "1970-01-01T00:00:00Z", new DataParams(0.01, 0, 42), "oracle.duckdb",
                "reference.duckdb", List.of(new DatasetManifest("measurements", shards, "duckdb:hash(key) % shard_count",
                        List.of(), infos)));
    }

    /** A registry over that manifest whose grant URLs lead nowhere and which ignores lost workers. */
    public static WorkerRegistry registry(Path dir, int shards, int replicas, long leaseMillis, long pollMillis)
            throws IOException {
        return new WorkerRegistry(manifest(dir, shards), dir, "token", replicas, leaseMillis, pollMillis,
                (shard, worker) -> "https://example.invalid/" + shard, id -> { });
    }

    /** Registers a worker and has it download (nothing) and prove every shard it is granted but {@code unproved}. */
    public static String join(WorkerRegistry registry, Path dir, String name, String... unproved)
            throws IOException, InterruptedException {
        String id = registry.register(new Messages.RegisterWorker("token", name, "0", 1, 1, 0)).workerId();
        for (Messages.ShardGrant grant : registry.poll(id).grants()) {
            if (Set.of(unproved).contains(grant.shardId())) {
                continue;
            }
            Messages.Challenge challenge = registry.shardReady(id, grant.shardId());
            Path file = dir.resolve("shards").resolve(grant.shardId() + ".duckdb");
            Messages.Ack ack = registry.prove(new Messages.ShardProof(id, grant.shardId(), challenge.nonce(),
                    ShardProofs.digest(challenge.nonce(), file)));
            assertThat(ack.accepted()).as(ack.message()).isTrue();
        }
        return id;
    }
}
