package io.mallard.coordinator.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.mallard.common.ErrorCode;
import io.mallard.common.MallardException;
import io.mallard.planner.catalog.TableKind;
import io.mallard.protocol.Messages.LocalColumn;
import io.mallard.protocol.Messages.LocalTable;
import io.mallard.protocol.Messages.RegisterWorker;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Admission of workers' local tables: the first declaration fixes the columns, later ones must match. */
class EdgeTablesAdmissionTest {
    private static final List<LocalColumn> READINGS = List.of(new LocalColumn("device_id", "VARCHAR"),
            new LocalColumn("temp", "DOUBLE"));

    private final Set<String> live = new HashSet<>();
    private final List<String> defined = new ArrayList<>();
    private final EdgeTables edge = new EdgeTables(name -> name.equalsIgnoreCase("lineitem"), live::contains,
            (name, columns) -> defined.add(name + columns.size()));

    private static RegisterWorker worker(String name, String instance, LocalTable... tables) {
        return new RegisterWorker("token", name, "test", 1, 1 << 30, 1, instance, List.of(tables));
    }

    private void join(String workerId, RegisterWorker request) {
        edge.admit(request);
        edge.joined(workerId, request);
        live.add(workerId);
    }

    @Test
    void theFirstWorkerDefinesTheTableAndEachWorkerIsOnePartition() {
        join("w1", worker("device-1", "i1", new LocalTable("readings", READINGS, 10, "f1")));
        join("w2", worker("device-2", "i2", new LocalTable("readings", READINGS, 0, "f2")));
        assertThat(defined).containsExactly("readings2");
        assertThat(edge.tableInfo("READINGS")).hasValueSatisfying(t -> {
            assertThat(t.kind()).isEqualTo(TableKind.PARTITIONED);
            assertThat(t.shardKey()).isEmpty();
            assertThat(t.columns()).containsExactly("device_id", "temp");
            assertThat(edge.ofDataset(t.dataset())).isPresent();
        });
        assertThat(edge.partitionsOf("readings")).extracting(EdgeTables.Partition::id)
                .containsExactly("edge:readings@device-1", "edge:readings@device-2");
        assertThat(edge.holder("edge:readings@device-2")).isEqualTo("w2");
        live.remove("w2");
        assertThat(edge.rows()).extracting(EdgeTables.PartitionRow::partition, EdgeTables.PartitionRow::rows,
                EdgeTables.PartitionRow::state).containsExactly(
                        org.assertj.core.groups.Tuple.tuple("readings@device-1", 10L, "online"),
                        org.assertj.core.groups.Tuple.tuple("readings@device-2", 0L, "offline"));
    }

    @Test
    void aWorkerWhoseColumnsDifferIsRefusedNamingThem() {
        join("w1", worker("device-1", "i1", new LocalTable("readings", READINGS, 10, "f1")));
        MallardException e = catchThrowableOfType(MallardException.class, () -> edge.admit(worker("device-2", "i2",
                new LocalTable("readings", List.of(new LocalColumn("device_id", "VARCHAR"), new LocalColumn("temp", "VARCHAR"),
                        new LocalColumn("extra", "INTEGER")), 1, "f"))));
        assertThat(e.code()).isEqualTo(ErrorCode.EDGE_TABLE_REFUSED);
        assertThat(e.getMessage()).contains("device-2").contains("column 2: temp VARCHAR here, temp DOUBLE registered")
                .contains("column 3: extra INTEGER here, none registered").doesNotContain("device_id");
        assertThat(edge.partitionsOf("readings")).hasSize(1);
    }

    @Test
    void aCatalogTableCannotBeShadowed() {
        MallardException e = catchThrowableOfType(MallardException.class, () -> edge.admit(worker("device-1", "i1",
                new LocalTable("lineitem", READINGS, 1, "f"))));
        assertThat(e.code()).isEqualTo(ErrorCode.EDGE_TABLE_REFUSED);
        assertThat(e.getMessage()).contains("catalog");
        assertThat(defined).isEmpty();
    }

    @Test
    void onlyTablesDeclaredAtTheJoinMayBeAnnouncedLater() {
        join("w1", worker("device-1", "i1", new LocalTable("readings", READINGS, 10, "f1")));
        join("w2", worker("box", "i2", new LocalTable("gadgets", List.of(new LocalColumn("id", "BIGINT")), 1, "g")));
        edge.changed("w1", "device-1", new LocalTable("readings", READINGS, 12, "f1b"));
        assertThat(edge.rows()).filteredOn(r -> r.partition().equals("readings@device-1"))
                .extracting(EdgeTables.PartitionRow::rows, EdgeTables.PartitionRow::fingerprint)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(12L, "f1b"));
        MallardException undeclared = catchThrowableOfType(MallardException.class,
                () -> edge.changed("w2", "box", new LocalTable("readings", READINGS, 5, "x")));
        assertThat(undeclared.code()).isEqualTo(ErrorCode.EDGE_TABLE_REFUSED);
        assertThat(undeclared.getMessage()).contains("did not declare");
        MallardException changedSchema = catchThrowableOfType(MallardException.class, () -> edge.changed("w1", "device-1",
                new LocalTable("readings", List.of(new LocalColumn("device_id", "VARCHAR")), 5, "y")));
        assertThat(changedSchema.code()).isEqualTo(ErrorCode.EDGE_TABLE_REFUSED);
        assertThat(changedSchema.getMessage()).contains("column 2");
    }

    @Test
    void theNewestRegistrationOfANameHoldsItsPartition() {
        join("w1", worker("device-1", "i1", new LocalTable("readings", READINGS, 10, "f1")));
        // restarted on a new data directory: another instance under the same name, while the old session lingers
        join("w3", worker("device-1", "i2", new LocalTable("readings", READINGS, 11, "f2")));
        assertThat(edge.holder("edge:readings@device-1")).isEqualTo("w3");
        assertThat(edge.partitionsOf("readings")).singleElement().extracting(EdgeTables.Partition::rows).isEqualTo(11L);
    }
}
