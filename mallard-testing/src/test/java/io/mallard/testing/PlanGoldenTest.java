package io.mallard.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.mallard.client.MallardClient;
import io.mallard.common.rows.QueryRows;
import io.mallard.data.queries.DemoQueries;
import io.mallard.data.queries.NamedQuery;
import io.mallard.data.queries.TpchQueries;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The distributed plans of the TPC-H and challenge queries, as `EXPLAIN` returns them over the wire, are golden files
 * in {@code src/test/resources/plans}: a plan change shows up as a reviewed diff. Regenerate them only with
 * {@code mvn test -pl mallard-testing -Dtest=PlanGoldenTest -Dmallard.golden.update=true}.
 */
class PlanGoldenTest {
    private static final Path GOLDEN = Path.of("src", "test", "resources", "plans");
    private static LocalCluster cluster;
    private static MallardClient client;

    static List<NamedQuery> queries() {
        List<NamedQuery> all = new ArrayList<>(TpchQueries.all());
        all.add(DemoQueries.CHALLENGE_COUNT);
        all.add(DemoQueries.CHALLENGE_STATIONS);
        return all;
    }

    @BeforeAll
    static void start() throws Exception {
        cluster = LocalCluster.builder().shards(8).workers(1).build();
        client = cluster.client();
    }

    @AfterAll
    static void stop() {
        client.close();
        cluster.close();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("queries")
    void planMatchesGoldenFile(NamedQuery query) throws Exception {
        QueryRows rows = client.query("EXPLAIN " + query.sql());
        assertThat(rows.columns()).containsExactly("plan");
        String plan = rows.rows().stream().map(r -> (String) r.get(0)).collect(Collectors.joining("\n")) + "\n";
        Path file = GOLDEN.resolve(query.name() + ".txt");
        if (Boolean.getBoolean("mallard.golden.update")) {
            Files.createDirectories(GOLDEN);
            Files.writeString(file, plan, StandardCharsets.UTF_8);
            return;
        }
        assertThat(file).as("golden plan missing; generate with -Dmallard.golden.update=true").exists();
        assertThat(plan).as("plan of %s differs from %s", query.name(), file).isEqualTo(Files.readString(file, StandardCharsets.UTF_8));
    }
}
