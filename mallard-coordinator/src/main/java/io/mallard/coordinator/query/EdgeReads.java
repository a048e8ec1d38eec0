package io.mallard.coordinator.query;

import io.mallard.common.ErrorCode;
import io.mallard.common.MallardException;
import io.mallard.coordinator.edge.EdgeTables;
import io.mallard.planner.plan.DistributedPlan;
import io.mallard.protocol.EdgePartitions;
import io.mallard.protocol.QuerySettings;
import io.mallard.protocol.ResultWarning;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The edge partitions a query reads, decided when it starts: for each edge table of its plan, the partitions whose
 * workers are connected, and the ones that are not. Missing partitions fail the query with PARTITIONS_OFFLINE unless
 * the session allows partial results; then the answer carries them as a {@link ResultWarning}. Never silent.
 *
 * @param partitions edge dataset → the partition ids its tasks read
 * @param missing    labels of the partitions left out ({@code readings@device-2})
 */
record EdgeReads(Map<String, List<String>> partitions, List<String> missing) {
    static final EdgeReads NONE = new EdgeReads(Map.of(), List.of());

    /** The partitions {@code plan} reads now; PARTITIONS_OFFLINE when some are offline and that is not allowed. */
    static EdgeReads of(DistributedPlan plan, EdgeTables edge, QuerySettings settings) {
        if (edge == null) {
            return NONE;
        }
        Map<String, List<String>> partitions = new LinkedHashMap<>();
        List<String> missing = new ArrayList<>();
        List<String> missingDetail = new ArrayList<>();
        boolean tableWithoutAny = false;
        for (DistributedPlan.WorkerStream stream : plan.streams()) {
            Optional<EdgeTables.Table> table = edge.ofDataset(stream.dataset());
            if (table.isEmpty() || partitions.containsKey(stream.dataset())) {
                continue;
            }
            List<String> online = new ArrayList<>();
            for (EdgeTables.Partition p : edge.partitionsOf(table.get().name())) {
                if (edge.online(p)) {
                    online.add(p.id());
                } else if (!missing.contains(EdgePartitions.label(p.id()))) {
                    missing.add(EdgePartitions.label(p.id()));
                    missingDetail.add(EdgePartitions.label(p.id()) + " (worker " + p.worker() + ", last seen "
                            + Instant.ofEpochMilli(edge.lastSeen(p)) + ")");
                }
            }
            tableWithoutAny |= online.isEmpty();
            partitions.put(stream.dataset(), online);
        }
        if (!missing.isEmpty() && (!settings.partialResults() || tableWithoutAny)) {
            throw new MallardException(ErrorCode.PARTITIONS_OFFLINE, "the query reads edge partitions whose workers are "
                    + "not connected: " + String.join(", ", missingDetail)
                    + (tableWithoutAny && settings.partialResults()
                            ? "; no partition of an edge table it reads is connected, so there is no partial answer"
                            : "; SET mallard.partial_results = 'allow' for an answer over the connected partitions"));
        }
        return new EdgeReads(Map.copyOf(partitions), List.copyOf(missing));
    }

    /** The warning a partial answer carries, or null for a complete one. */
    ResultWarning warning() {
        return missing.isEmpty() ? null : ResultWarning.partial(missing);
    }
}
