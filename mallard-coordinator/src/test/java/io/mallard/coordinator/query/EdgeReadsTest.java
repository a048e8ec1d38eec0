package io.mallard.coordinator.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.mallard.common.ErrorCode;
import io.mallard.common.MallardException;
import io.mallard.coordinator.edge.EdgeTables;
import io.mallard.planner.plan.DistributedPlan;
import io.mallard.planner.plan.Strategy;
import io.mallard.protocol.Messages.LocalColumn;
import io.mallard.protocol.Messages.LocalTable;
import io.mallard.protocol.Messages.RegisterWorker;
import io.mallard.protocol.QuerySettings;
import io.mallard.protocol.ResultWarning;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Which edge partitions a query reads when it starts: offline ones fail it, or are left out with a warning. */
class EdgeReadsTest {
    private static final QuerySettings ALLOW = QuerySettings.of(Map.of(QuerySettings.PARTIAL_RESULTS, "allow"));
    private final Set<String> live = new HashSet<>();
    private final EdgeTables edge = new EdgeTables(name -> false, live::contains, (name, columns) -> { });
    private DistributedPlan plan;

    @BeforeEach
    void threeDevices() {
        for (int d = 1; d <= 3; d++) {
            RegisterWorker request = new RegisterWorker("t", "device-" + d, "v", 1, 1, 1, "i" + d,
                    List.of(new LocalTable("readings", List.of(new LocalColumn("temp", "DOUBLE")), d, "f" + d)));
            edge.admit(request);
            edge.joined("w" + d, request);
            live.add("w" + d);
        }
        String dataset = edge.tableInfo("readings").orElseThrow().dataset();
        plan = new DistributedPlan(Strategy.GATHER, "SELECT * FROM readings UNION ALL SELECT * FROM readings",
                List.of(new DistributedPlan.WorkerStream("a", dataset, "SELECT temp FROM readings"),
                        new DistributedPlan.WorkerStream("b", dataset, "SELECT temp FROM readings"),
                        new DistributedPlan.WorkerStream("c", "hash(BIGINT)", "SELECT 1 FROM orders")),
                "SELECT 1", List.of(), "");
    }

    @Test
    void allOnlineReadsEveryPartitionOnceAndCentralStreamsKeepTheirShards() {
        EdgeReads reads = EdgeReads.of(plan, edge, QuerySettings.DEFAULTS);
        assertThat(reads.missing()).isEmpty();
        assertThat(reads.warning()).isNull();
        assertThat(reads.partitions()).hasSize(1).containsValue(List.of("edge:readings@device-1",
                "edge:readings@device-2", "edge:readings@device-3"));
        assertThat(reads.partitions()).doesNotContainKey("hash(BIGINT)");
    }

    @Test
    void anOfflinePartitionFailsTheQueryNamingItUnlessPartialResultsAreAllowed() {
        live.remove("w2");
        MallardException e = catchThrowableOfType(MallardException.class, () -> EdgeReads.of(plan, edge, QuerySettings.DEFAULTS));
        assertThat(e.code()).isEqualTo(ErrorCode.PARTITIONS_OFFLINE);
        assertThat(e.getMessage()).contains("readings@device-2").doesNotContain("readings@device-1")
                .contains("partial_results");
        EdgeReads partial = EdgeReads.of(plan, edge, ALLOW);
        assertThat(partial.partitions()).containsValue(List.of("edge:readings@device-1", "edge:readings@device-3"));
        assertThat(partial.missing()).containsExactly("readings@device-2");
        assertThat(partial.warning().code()).isEqualTo(ResultWarning.PARTIAL_RESULT);
        assertThat(partial.warning().missing()).containsExactly("readings@device-2");
    }

    @Test
    void withNoPartitionOnlineThereIsNoPartialAnswer() {
        live.clear();
        MallardException e = catchThrowableOfType(MallardException.class, () -> EdgeReads.of(plan, edge, ALLOW));
        assertThat(e.code()).isEqualTo(ErrorCode.PARTITIONS_OFFLINE);
        assertThat(e.getMessage()).contains("no partition").contains("readings@device-1").contains("readings@device-3");
    }
}
