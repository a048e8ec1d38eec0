package io.mallard.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.mallard.client.MallardClient;
import io.mallard.common.ErrorCode;
import io.mallard.common.MallardException;
import io.mallard.data.ShardInfo;
import io.mallard.oracle.Oracle;
import io.mallard.protocol.Messages;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** A shard whose bytes do not match the manifest is rejected by the worker and never trusted. */
class ShardVerificationTest {

    @Test
    void corruptedShardIsRejectedAndNeverTrusted() throws Exception {
        try (LocalCluster cluster = LocalCluster.builder().shards(3).workers(0).privateData(true).shardWaitMillis(2_000).build()) {
            ShardInfo victim = cluster.manifest().allShards().stream()
                    .filter(s -> s.dataset().equals("measurements")).findFirst().orElseThrow();
            Path file = cluster.dir().resolve("data").resolve(victim.file());
            try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
                raf.seek(raf.length() / 2);
                int b = raf.read();
                raf.seek(raf.length() / 2);
                raf.write(b ^ 0xff);
            }
            WorkerHandle worker = cluster.addWorker(false, 0);
            long deadline = System.currentTimeMillis() + 60_000;
            while (System.currentTimeMillis() < deadline && served(cluster) < cluster.manifest().allShards().size() - 1) {
                Thread.sleep(50);
            }
            Thread.sleep(500);
            Messages.ClusterStatus status = cluster.status();
            for (Messages.ShardView shard : status.shards()) {
                if (shard.id().equals(victim.id())) {
                    assertThat(shard.trustedOn()).as("corrupted shard trusted").isEmpty();
                } else {
                    assertThat(shard.trustedOn()).as("shard %s", shard.id()).isNotEmpty();
                }
            }
            assertThat(status.workers().get(0).state()).isNotEqualTo("trusted");
            try (Stream<Path> files = Files.walk(cluster.dir().resolve("workers"))) {
                assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith(victim.id()));
            }
            try (MallardClient client = cluster.client()) {
                MallardException e = catchThrowableOfType(MallardException.class,
                        () -> client.query("SELECT count(*) FROM measurements"));
                assertThat(e.code()).isEqualTo(ErrorCode.NO_WORKER_FOR_SHARD);
                assertThat(e.getMessage()).contains(victim.id()).contains("rejected");
                String other = "SELECT count(*) FROM lineitem";
                try (Oracle oracle = new Oracle(cluster.oracleFile())) {
                    assertThat(oracle.difference(other, client.query(other))).as("the other dataset still answers").isEmpty();
                }
            }
            assertThat(worker.isAlive()).isTrue();
            cluster.assertClean();
        }
    }

    private static long served(LocalCluster cluster) {
        return cluster.status().shards().stream().filter(s -> !s.trustedOn().isEmpty()).count();
    }
}
