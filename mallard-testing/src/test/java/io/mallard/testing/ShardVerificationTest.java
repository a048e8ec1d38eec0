package io.mallard.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.mallard.client.MallardClient;
import io.mallard.common.ErrorCode;
import io.mallard.common.MallardException;
import io.mallard.data.table.DataFile;
import io.mallard.oracle.Oracle;
import io.mallard.protocol.Messages;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** A file whose bytes do not match the catalog's hash is rejected by the worker, and its shard is never trusted. */
class ShardVerificationTest {

    @Test
    void corruptedShardIsRejectedAndNeverTrusted() throws Exception {
        try (LocalCluster cluster = LocalCluster.builder().shards(3).workers(0).privateData(true).shardWaitMillis(2_000).build()) {
            long measurements = cluster.snapshot().table("measurements").orElseThrow().id();
            DataFile victimFile = cluster.snapshot().dataFiles(measurements, 0).stream()
                    .filter(f -> f.shard() == 0).findFirst().orElseThrow();
            String victim = "shard-000";
            Path file = cluster.dir().resolve("data").resolve("store").resolve(victimFile.storeKey());
            try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
                raf.seek(raf.length() / 2);
                int b = raf.read();
                raf.seek(raf.length() / 2);
                raf.write(b ^ 0xff);
            }
            WorkerHandle worker = cluster.addWorker(false, 0);
            int others = cluster.snapshot().shardCount() - 1;
            Await.until("every shard but the corrupted one proved", Duration.ofSeconds(60), () -> served(cluster) == others);
            try (MallardClient client = cluster.client()) {
                // the coordinator names the shard rejected once the worker's report is in; until then it is not yet proved
                MallardException e = awaitRejection(client, "SELECT count(*) FROM measurements", victim);
                assertThat(e.code()).isEqualTo(ErrorCode.NO_WORKER_FOR_SHARD);
                assertThat(e.getMessage()).contains(victim);
                Messages.ClusterStatus status = cluster.status();
                for (Messages.ShardView shard : status.shards()) {
                    if (shard.id().equals(victim)) {
                        assertThat(shard.trustedOn()).as("corrupted shard trusted").isEmpty();
                    } else {
                        assertThat(shard.trustedOn()).as("shard %s", shard.id()).isNotEmpty();
                    }
                }
                assertThat(status.workers().get(0).state()).isNotEqualTo("trusted");
                try (Stream<Path> files = Files.walk(cluster.dir().resolve("workers"))) {
                    assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith(victimFile.fileId()));
                }
                String other = "SELECT count(*) FROM lineitem";
                try (Oracle oracle = new Oracle(cluster.oracleFile())) {
                    // the worker proved every other file, those of shard-000 included: a table without bad bytes answers
                    assertThat(oracle.difference(other, client.query(other))).as("the other table still answers").isEmpty();
                }
            }
            assertThat(worker.isAlive()).isTrue();
            cluster.assertClean();
        }
    }

    /** Runs {@code sql}, which must fail for want of the shard, until the failure says the shard was rejected. */
    private static MallardException awaitRejection(MallardClient client, String sql, String shardId) {
        MallardException[] last = {null};
        Await.until("the coordinator knows shard " + shardId + " was rejected", Duration.ofSeconds(60), () -> {
            last[0] = catchThrowableOfType(MallardException.class, () -> client.query(sql));
            assertThat(last[0]).as("%s answered without shard %s", sql, shardId).isNotNull();
            assertThat(last[0].code()).as(last[0].getMessage()).isEqualTo(ErrorCode.NO_WORKER_FOR_SHARD);
            return last[0].getMessage().contains("rejected");
        });
        return last[0];
    }

    private static long served(LocalCluster cluster) {
        return cluster.status().shards().stream().filter(s -> !s.trustedOn().isEmpty()).count();
    }
}
