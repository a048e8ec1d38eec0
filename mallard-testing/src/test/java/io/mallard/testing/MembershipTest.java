package io.mallard.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.mallard.client.MallardClient;
import io.mallard.common.rows.QueryRows;
import io.mallard.data.queries.DemoQueries;
import io.mallard.oracle.Oracle;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** Workers join while queries run: shards move by rendezvous hashing and every answer stays exact. */
class MembershipTest {
    /** When a query was sent and when its whole answer was in (System.nanoTime()). */
    private record Answered(long sent, long received) {
    }

    @Test
    void workersJoiningDuringQueriesNeverChangeAnAnswer() throws Exception {
        try (LocalCluster cluster = LocalCluster.builder().shards(8).workers(1).build();
                MallardClient client = cluster.client();
                Oracle oracle = new Oracle(cluster.oracleFile())) {
            List<String> sqls = List.of(DemoQueries.Q1.sql(), DemoQueries.Q3.sql(), DemoQueries.CHALLENGE_STATIONS.sql());
            Map<String, QueryRows> expected = new HashMap<>();
            for (String sql : sqls) {
                expected.put(sql, oracle.query(sql));
            }
            AtomicBoolean stop = new AtomicBoolean();
            List<String> problems = Collections.synchronizedList(new ArrayList<>());
            List<Answered> answered = Collections.synchronizedList(new ArrayList<>());
            Thread load = new Thread(() -> {
                for (int i = 0; !stop.get(); i = (i + 1) % sqls.size()) {
                    try {
                        long sent = System.nanoTime();
                        QueryRows answer = client.query(sqls.get(i));
                        answered.add(new Answered(sent, System.nanoTime()));
                        oracle.difference(sqls.get(i), expected.get(sqls.get(i)), answer).ifPresent(problems::add);
                    } catch (RuntimeException e) {
                        problems.add(e.toString());
                    }
                }
            });
            load.start();
            long moveStarted;
            long moveFinished;
            try {
                Await.until("a query answered by the first worker alone", Duration.ofSeconds(60), () -> !answered.isEmpty());
                moveStarted = System.nanoTime();
                cluster.addWorker(false, 0);
                cluster.addWorker(false, 0);
                cluster.awaitTrustedWorkers(3, 60_000);
                Await.until("shards moved to a new worker", Duration.ofSeconds(60), () -> holders(cluster) > 1);
                moveFinished = System.nanoTime();
                Await.until("three queries sent after the move answered", Duration.ofSeconds(60),
                        () -> sentAfter(answered, moveFinished) >= 3);
            } finally {
                stop.set(true);
                load.join();
            }
            assertThat(problems).isEmpty();
            assertThat(answeredBetween(answered, moveStarted, moveFinished))
                    .as("queries that were running while shards moved").isPositive();
            cluster.assertClean();
        }
    }

    /** Workers that hold at least one proved shard. */
    private static long holders(LocalCluster cluster) {
        return cluster.status().workers().stream().filter(w -> !w.trusted().isEmpty()).count();
    }

    private static long sentAfter(List<Answered> answered, long time) {
        synchronized (answered) {
            return answered.stream().filter(a -> a.sent() > time).count();
        }
    }

    /** Queries that were running at some time between {@code from} and {@code to}. */
    private static long answeredBetween(List<Answered> answered, long from, long to) {
        synchronized (answered) {
            return answered.stream().filter(a -> a.sent() < to && a.received() > from).count();
        }
    }
}
