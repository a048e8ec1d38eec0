package io.mallard.coordinator.edge;

import io.mallard.common.ErrorCode;
import io.mallard.common.MallardException;
import io.mallard.planner.catalog.TableInfo;
import io.mallard.planner.catalog.TableKind;
import io.mallard.protocol.EdgePartitions;
import io.mallard.protocol.Messages.LocalColumn;
import io.mallard.protocol.Messages.LocalTable;
import io.mallard.protocol.Messages.RegisterWorker;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The edge tables: logical tables whose rows stay on the workers that declared them ({@code mallard worker --table}),
 * one partition per worker and table. Learned from the workers' registrations (kept in memory: after a coordinator
 * restart the workers announce them again when they register). The first worker to declare a table fixes its columns;
 * a later one whose exposed columns differ is refused, naming the columns. The coordinator holds only schemas, row
 * counts and fingerprints, never rows.
 */
public final class EdgeTables {
    private static final Logger LOG = LoggerFactory.getLogger(EdgeTables.class);
    /** The planner's dataset of an edge table: never co-partitioned with anything, not even another edge table. */
    private static final String DATASET = "edge ";

    /** A logical edge table: its name as first declared and its exposed columns. */
    public record Table(String name, List<LocalColumn> columns) {
    }

    /**
     * One worker's partition of an edge table, as last announced.
     *
     * @param workerId the registration that holds it now (a worker that registers again takes its partition along)
     */
    public record Partition(String id, String table, String worker, String workerId, String instance, long rows,
            String fingerprint, long lastSeenMillis) {
    }

    /** What the system table shows of a partition. */
    public record PartitionRow(String table, String partition, String worker, String workerId, long rows,
            String fingerprint, long lastSeenMillis, String state) {
    }

    private final Map<String, Table> tables = new LinkedHashMap<>();
    private final Map<String, Partition> partitions = new LinkedHashMap<>();
    /** Worker id → the tables (lower case) it declared when it joined: the only ones it may announce later. */
    private final Map<String, Set<String>> declared = new LinkedHashMap<>();
    private final Predicate<String> catalogHas;
    private final Predicate<String> live;
    private final BiConsumer<String, List<LocalColumn>> defineTable;
    private volatile long version;
    /** When the coordinator last heard from a worker (its last poll), by worker id; 0 if unknown. */
    private volatile java.util.function.ToLongFunction<String> heardFrom = workerId -> 0;

    /**
     * @param catalogHas  whether the catalog has a table of that name (an edge table may not shadow it)
     * @param live        whether a worker id is registered and not gone
     * @param defineTable makes the empty table in the coordinator's reference copy, for binding and GATHER combines
     */
    public EdgeTables(Predicate<String> catalogHas, Predicate<String> live, BiConsumer<String, List<LocalColumn>> defineTable) {
        this.catalogHas = catalogHas;
        this.live = live;
        this.defineTable = defineTable;
    }

    /**
     * Checks a joining worker's local tables against the registered ones and registers new tables; refused with
     * EDGE_TABLE_REFUSED (nothing registered) when a schema differs or a name is a catalog table's.
     */
    public void admit(RegisterWorker request) {
        if (request.localTables().isEmpty()) {
            return;
        }
        List<Table> created = new ArrayList<>();
        synchronized (this) {
            Set<String> seen = new HashSet<>();
            for (LocalTable local : request.localTables()) {
                String key = key(local.name());
                if (!seen.add(key)) {
                    throw refused(request.name(), "declares table " + local.name() + " twice");
                }
                if (local.columns().isEmpty()) {
                    throw refused(request.name(), "exposes no column of table " + local.name());
                }
                if (catalogHas.test(local.name())) {
                    throw refused(request.name(), "declares table " + local.name()
                            + ", but the catalog has a table of that name");
                }
                Table table = tables.get(key);
                if (table != null) {
                    String difference = difference(table.columns(), local.columns());
                    if (difference != null) {
                        throw refused(request.name(), "table " + local.name() + " differs from the registered edge table: "
                                + difference);
                    }
                }
            }
            for (LocalTable local : request.localTables()) {
                if (!tables.containsKey(key(local.name()))) {
                    Table table = new Table(local.name(), local.columns());
                    tables.put(key(local.name()), table);
                    created.add(table);
                }
            }
            if (!created.isEmpty()) {
                version++;
            }
        }
        for (Table table : created) {
            defineTable.accept(table.name(), table.columns());
            LOG.info("edge table {} registered by worker {}: {}", table.name(), request.name(), table.columns());
        }
    }

    /** The worker joined as {@code workerId}: it holds one partition of each table it declared. */
    public synchronized void joined(String workerId, RegisterWorker request) {
        Set<String> names = new HashSet<>();
        long now = System.currentTimeMillis();
        for (LocalTable local : request.localTables()) {
            Table table = tables.get(key(local.name()));
            names.add(key(local.name()));
            String id = EdgePartitions.id(table.name(), request.name());
            Partition before = partitions.get(id);
            if (before != null && !before.workerId().equals(workerId) && live.test(before.workerId())) {
                // names are labels: a device restarted on a new data directory is a new instance under its old name
                LOG.warn("partition {} moves from worker {} to {}, which registered under the same name",
                        EdgePartitions.label(id), before.workerId(), workerId);
            }
            partitions.put(id, new Partition(id, table.name(), request.name(), workerId, request.instance(), local.rows(),
                    local.fingerprint(), now));
        }
        declared.put(workerId, names);
        version++;
    }

    /** A worker re-announces a table whose content changed; refused when it did not declare it or its schema changed. */
    public synchronized void changed(String workerId, String workerName, LocalTable local) {
        Set<String> names = declared.get(workerId);
        if (names == null || !names.contains(key(local.name()))) {
            throw refused(workerName, "announces table " + local.name() + ", which it did not declare when it joined");
        }
        Table table = tables.get(key(local.name()));
        String difference = difference(table.columns(), local.columns());
        if (difference != null) {
            throw refused(workerName, "table " + local.name() + " changed its schema: " + difference);
        }
        String id = EdgePartitions.id(table.name(), workerName);
        Partition old = partitions.get(id);
        partitions.put(id, new Partition(id, table.name(), workerName, workerId, old == null ? null : old.instance(),
                local.rows(), local.fingerprint(), System.currentTimeMillis()));
    }

    /** The planner's view of an edge table: partitioned, without a shard key, a dataset of its own. */
    public synchronized Optional<TableInfo> tableInfo(String name) {
        Table table = tables.get(key(name));
        if (table == null) {
            return Optional.empty();
        }
        return Optional.of(new TableInfo(table.name(), DATASET + table.name(), TableKind.PARTITIONED, List.of(),
                table.columns().stream().map(LocalColumn::name).toList(), List.of()));
    }

    public synchronized Optional<Table> table(String name) {
        return Optional.ofNullable(tables.get(key(name)));
    }

    public boolean has(String name) {
        return table(name).isPresent();
    }

    /** The edge table a planner dataset names, if it is one. */
    public Optional<Table> ofDataset(String dataset) {
        return dataset != null && dataset.startsWith(DATASET) ? table(dataset.substring(DATASET.length())) : Optional.empty();
    }

    /** Every partition of a table, in the order the workers joined. */
    public synchronized List<Partition> partitionsOf(String table) {
        return partitions.values().stream().filter(p -> p.table().equalsIgnoreCase(table)).toList();
    }

    /** Whether the partition's worker is connected (registered and not gone). */
    public boolean online(Partition partition) {
        return live.test(partition.workerId());
    }

    /** The worker id that answers an edge partition, or null (not an edge partition, or unknown). */
    public synchronized String holder(String partitionId) {
        Partition p = partitions.get(partitionId);
        return p == null ? null : p.workerId();
    }

    /** Changes when a table is registered or a worker joins with partitions: cached plans and EXPLAIN may differ. */
    public long version() {
        return version;
    }

    /** Where {@link #rows} learns when each worker was last heard from (its last poll). */
    public void useLastSeen(java.util.function.ToLongFunction<String> lastSeen) {
        this.heardFrom = lastSeen;
    }

    /** When the partition's worker was last heard from: its last poll or announcement (epoch millis). */
    public long lastSeen(Partition p) {
        return Math.max(p.lastSeenMillis(), heardFrom.applyAsLong(p.workerId()));
    }

    /** Every partition with its state, for {@code mallard.partitions}; last seen: its worker's last poll or announcement. */
    public List<PartitionRow> rows() {
        List<Partition> all;
        synchronized (this) {
            all = List.copyOf(partitions.values());
        }
        return all.stream().map(p -> new PartitionRow(p.table(), EdgePartitions.label(p.id()), p.worker(), p.workerId(),
                p.rows(), p.fingerprint(), lastSeen(p), online(p) ? "online" : "offline")).toList();
    }

    /** Which columns differ, by position: "column 3: temp DOUBLE here, temp VARCHAR registered; …", or null. */
    static String difference(List<LocalColumn> registered, List<LocalColumn> announced) {
        List<String> differences = new ArrayList<>();
        for (int i = 0; i < Math.max(registered.size(), announced.size()); i++) {
            LocalColumn r = i < registered.size() ? registered.get(i) : null;
            LocalColumn a = i < announced.size() ? announced.get(i) : null;
            if (r != null && a != null && r.name().equalsIgnoreCase(a.name()) && r.type().equalsIgnoreCase(a.type())) {
                continue;
            }
            differences.add("column " + (i + 1) + ": " + describe(a) + " here, " + describe(r) + " registered");
        }
        return differences.isEmpty() ? null : String.join("; ", differences);
    }

    private static String describe(LocalColumn c) {
        return c == null ? "none" : c.name() + " " + c.type();
    }

    private static MallardException refused(String worker, String why) {
        return new MallardException(ErrorCode.EDGE_TABLE_REFUSED, "worker " + worker + " refused: it " + why);
    }

    private static String key(String name) {
        return name.toLowerCase(Locale.ROOT);
    }
}
