package io.mallard.planner.plan;

import static org.assertj.core.api.Assertions.assertThat;

import io.mallard.common.duck.DuckLockdown;
import io.mallard.data.ColumnSpec;
import io.mallard.data.Datasets;
import io.mallard.data.TableRole;
import io.mallard.data.TableSpec;
import io.mallard.data.TpchGenerator;
import io.mallard.data.queries.DemoQueries;
import io.mallard.data.queries.NamedQuery;
import io.mallard.data.queries.TpchQueries;
import io.mallard.planner.catalog.Catalog;
import io.mallard.planner.catalog.TableInfo;
import io.mallard.planner.catalog.TableKind;
import io.mallard.planner.sql.DuckDbSqlEngine;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The distributed plans of the TPC-H and challenge queries, as EXPLAIN prints them, are golden files in
 * {@code src/test/resources/plans}: a plan change shows up as a reviewed diff. Regenerate them only with
 * {@code mvn test -pl mallard-planner -am -Dtest=PlanGoldenTest -Dsurefire.failIfNoSpecifiedTests=false
 * -Dmallard.golden.update=true}.
 *
 * <p>The planner works here as on the coordinator, without a cluster: over the catalog of the built-in datasets
 * (mallard-data's table definitions, roles and references) and a reference DuckDB that holds what the coordinator's
 * {@code reference.duckdb} holds for the test clusters' data (TPC-H at scale factor 0.01): dimension and replicated
 * tables in full, partitioned tables empty. Plans depend on those rows (the semi-join reduction counts dimension rows)
 * and on the shard count (8) only through the printed number of shards.
 */
class PlanGoldenTest {
    private static final Path GOLDEN = Path.of("src", "test", "resources", "plans");
    /** The scale factor of the test clusters' TPC-H data ({@code LocalCluster}'s default). */
    private static final double SCALE_FACTOR = 0.01;
    private static final int SHARDS = 8;
    private static final Map<String, List<TableSpec>> DATASETS = Map.of(
            "tpch", Datasets.tpchTables(), "measurements", Datasets.measurementTables());

    private static Connection reference;
    private static DistributedPlanner planner;

    static List<Arguments> queries() {
        List<Arguments> all = new ArrayList<>();
        for (NamedQuery query : TpchQueries.all()) {
            all.add(Arguments.of(query.name(), query.sql()));
        }
        for (NamedQuery query : List.of(DemoQueries.CHALLENGE_COUNT, DemoQueries.CHALLENGE_STATIONS)) {
            all.add(Arguments.of(query.name(), query.sql()));
        }
        return all;
    }

    @BeforeAll
    static void buildReference() throws SQLException {
        reference = DriverManager.getConnection("jdbc:duckdb:");
        TpchGenerator.generate(reference, SCALE_FACTOR);
        try (Statement st = reference.createStatement()) {
            // only the workers hold partitioned rows; measurements has nothing else
            for (TableSpec table : Datasets.tpchTables()) {
                if (table.role() == TableRole.PARTITIONED) {
                    st.execute("DELETE FROM " + table.name());
                }
            }
            for (TableSpec table : Datasets.measurementTables()) {
                st.execute(createTable(table));
            }
        }
        DuckLockdown.apply(reference);
        planner = new DistributedPlanner(new DatasetCatalog(), new DuckDbSqlEngine(reference));
    }

    @AfterAll
    static void close() throws SQLException {
        reference.close();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("queries")
    void planMatchesGoldenFile(String name, String sql) throws Exception {
        DistributedPlan plan = planner.plan(sql);
        String printed = PlanPrinter.print(plan, shardsOf(plan)).stripTrailing() + "\n";
        Path file = GOLDEN.resolve(name + ".txt");
        if (Boolean.getBoolean("mallard.golden.update")) {
            Files.createDirectories(GOLDEN);
            Files.writeString(file, printed, StandardCharsets.UTF_8);
            return;
        }
        assertThat(file).as("golden plan missing; generate with -Dmallard.golden.update=true").exists();
        assertThat(printed).as("plan of %s differs from %s", name, file).isEqualTo(Files.readString(file, StandardCharsets.UTF_8));
    }

    /** The shards the plan's streams run on, as the coordinator lists them: every shard of each dataset read. */
    private static List<String> shardsOf(DistributedPlan plan) {
        Set<String> shards = new LinkedHashSet<>();
        for (DistributedPlan.WorkerStream stream : plan.streams()) {
            for (int i = 0; i < SHARDS; i++) {
                shards.add(String.format("%s-%03d", stream.dataset(), i));
            }
        }
        return List.copyOf(shards);
    }

    private static String createTable(TableSpec table) {
        return "CREATE TABLE " + table.name() + " (" + table.columns().stream()
                .map(c -> c.name() + " " + c.type() + (c.nullable() ? "" : " NOT NULL")).collect(Collectors.joining(", ")) + ")";
    }

    /** The planner's view of the built-in datasets' tables, as the coordinator builds it from its manifest. */
    private static final class DatasetCatalog implements Catalog {
        private final Map<String, TableInfo> tables = new TreeMap<>();

        DatasetCatalog() {
            DATASETS.forEach((dataset, specs) -> {
                for (TableSpec spec : specs) {
                    tables.put(spec.name().toLowerCase(Locale.ROOT), new TableInfo(spec.name(), dataset, kind(spec),
                            spec.shardKey(), spec.columns().stream().map(ColumnSpec::name).toList(),
                            spec.references().stream().map(r -> new TableInfo.Reference(r.fromTable(), r.fromColumns(),
                                    r.toColumns())).toList()));
                }
            });
        }

        private static TableKind kind(TableSpec spec) {
            return switch (spec.role()) {
                case PARTITIONED -> TableKind.PARTITIONED;
                case DIMENSION -> TableKind.DIMENSION;
                case REPLICATED -> TableKind.REPLICATED;
            };
        }

        @Override
        public Optional<TableInfo> table(String name) {
            return Optional.ofNullable(tables.get(name.toLowerCase(Locale.ROOT)));
        }
    }
}
