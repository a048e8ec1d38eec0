package io.mallard.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.mallard.client.MallardClient;
import io.mallard.common.ErrorCode;
import io.mallard.common.MallardException;
import io.mallard.common.rows.QueryRows;
import io.mallard.oracle.Oracle;
import java.math.BigDecimal;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** SET mallard.distributed / mallard.summarize change how one client session's queries run. */
class SessionSettingsTest {

    @Test
    void summarizeOffReturnsEachShardsPartialsAndDistributedOffStaysOnTheCoordinator() throws Exception {
        try (LocalCluster cluster = LocalCluster.builder().shards(8).workers(2).build();
                MallardClient client = cluster.client();
                MallardClient other = cluster.client();
                Oracle oracle = new Oracle(cluster.oracleFile())) {
            String sql = "SELECT l_returnflag, count(*) AS n FROM lineitem GROUP BY l_returnflag ORDER BY l_returnflag";
            client.query("SET mallard.summarize = false");
            QueryRows partials = client.query(sql);
            assertThat(partials.columns()).contains("shard");
            int shardColumn = partials.columns().indexOf("shard");
            Set<Object> shards = new HashSet<>();
            Map<Object, BigDecimal> counts = new HashMap<>();
            for (List<Object> row : partials.rows()) {
                shards.add(row.get(shardColumn));
                counts.merge(row.get(0), new BigDecimal(row.get(1).toString()), BigDecimal::add);
            }
            assertThat(shards).hasSize(8).allMatch(s -> s.toString().startsWith("shard-"));
            for (List<Object> row : oracle.query(sql).rows()) {
                assertThat(counts.get(row.get(0))).isEqualByComparingTo(new BigDecimal(row.get(1).toString()));
            }
            assertThat(oracle.difference(sql, other.query(sql))).as("another session is not affected").isEmpty();
            client.query("SET mallard.summarize TO on");
            assertThat(oracle.difference(sql, client.query(sql))).isEmpty();

            client.query("set mallard.distributed = off");
            String local = "SELECT n_name FROM nation ORDER BY n_name";
            assertThat(oracle.difference(local, client.query(local))).isEmpty();
            MallardException refused = catchThrowableOfType(MallardException.class, () -> client.query(sql));
            assertThat(refused.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
            assertThat(refused.getMessage()).contains("mallard.distributed is off");

            MallardException unknown = catchThrowableOfType(MallardException.class, () -> client.query("SET mallard.fast = true"));
            assertThat(unknown.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
            MallardException badValue = catchThrowableOfType(MallardException.class,
                    () -> client.query("SET mallard.summarize = maybe"));
            assertThat(badValue.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
            cluster.assertClean();
        }
    }
}
