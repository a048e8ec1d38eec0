package io.mallard.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.mallard.client.MallardClient;
import io.mallard.common.rows.QueryRows;
import io.mallard.oracle.Oracle;
import io.mallard.protocol.Messages;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every query of the corpus ({@link QueryCorpus}, {@code src/test/resources/corpus/*.sql}) over a real cluster — 4
 * shards on 2 workers, with the edge-case dataset — equals the single-DuckDB oracle. The strategy the planner chose
 * for each query is listed in {@code target/corpus-strategies.md}; a query marked {@code -- disabled:} is reported as
 * skipped with its reason. {@code -Dmallard.corpus=<text>} runs only the queries whose {@code theme/name} contains the
 * text.
 */
class CorpusOracleTest {
    static final int EDGE_ROWS = 4_000;
    private static final Path REPORT = Path.of("target", "corpus-strategies.md");

    private static LocalCluster cluster;
    private static MallardClient client;
    private static Oracle oracle;
    private static final List<String> reportRows = Collections.synchronizedList(new ArrayList<>());

    @BeforeAll
    static void start() throws Exception {
        cluster = LocalCluster.builder().shards(4).workers(2).edgeRows(EDGE_ROWS).build();
        client = cluster.client();
        oracle = new Oracle(cluster.oracleFile());
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            writeReport();
            cluster.assertClean();
        } finally {
            oracle.close();
            client.close();
            cluster.close();
        }
    }

    @TestFactory
    Stream<DynamicNode> corpus() {
        // -Dmallard.corpus=<text> runs only the queries whose theme/name contains the text (for a quick re-run).
        String only = System.getProperty("mallard.corpus", "");
        Map<String, List<QueryCorpus.Query>> byTheme = QueryCorpus.all().stream().filter(q -> q.id().contains(only))
                .collect(Collectors.groupingBy(QueryCorpus.Query::theme, () -> new TreeMap<>(
                        (a, b) -> QueryCorpus.THEMES.indexOf(a) - QueryCorpus.THEMES.indexOf(b)), Collectors.toList()));
        return byTheme.entrySet().stream().map(theme -> DynamicContainer.dynamicContainer(theme.getKey(),
                theme.getValue().stream().map(q -> DynamicTest.dynamicTest(q.name(), () -> check(q)))));
    }

    private static void check(QueryCorpus.Query query) throws Exception {
        if (query.disabled().isPresent()) {
            reportRows.add(row(query, "–", "disabled: " + query.disabled().get(), 0, -1));
            Assumptions.abort("disabled: " + query.disabled().get());
        }
        String strategy = strategyOf(query.sql());
        long t0 = System.nanoTime();
        QueryRows rows;
        try {
            rows = client.query(query.sql());
        } catch (RuntimeException e) {
            reportRows.add(row(query, strategy, "error", System.nanoTime() - t0, -1));
            throw new AssertionError(query.id() + " [" + strategy + "] failed: " + e.getMessage() + "\n" + query.sql(), e);
        }
        long elapsed = System.nanoTime() - t0;
        Optional<String> difference = oracle.difference(query.sql(), rows);
        reportRows.add(row(query, strategy, difference.isEmpty() ? "ok" : "DIFFERS", elapsed, rows.rows().size()));
        assertThat(difference).as("%s [%s] differs from the oracle\n%s", query.id(), strategy, query.sql()).isEmpty();
    }

    /** The strategy line of {@code EXPLAIN}, or why EXPLAIN failed (the query itself may still work). */
    private static String strategyOf(String sql) {
        try {
            Messages.PlanDescription plan = client.explain(sql);
            return plan.strategy();
        } catch (RuntimeException e) {
            return "EXPLAIN failed: " + e.getMessage().lines().findFirst().orElse("");
        }
    }

    private static String row(QueryCorpus.Query q, String strategy, String outcome, long nanos, int rows) {
        return "| " + q.theme() + " | " + q.name() + " | " + strategy.replace("|", "\\|") + " | " + outcome.replace("|", "\\|")
                + " | " + (rows < 0 ? "" : Integer.toString(rows)) + " | " + (nanos == 0 ? "" : nanos / 1_000_000) + " |";
    }

    private static void writeReport() throws IOException {
        List<String> lines = new ArrayList<>();
        lines.add("# Query corpus: strategy per query");
        lines.add("");
        lines.add("Written by CorpusOracleTest (4 shards, 2 workers, edge dataset with " + EDGE_ROWS + " facts).");
        lines.add("");
        lines.add("| theme | query | strategy | outcome | rows | ms |");
        lines.add("|---|---|---|---|---|---|");
        List<String> sorted;
        synchronized (reportRows) {
            sorted = new ArrayList<>(reportRows);
        }
        lines.addAll(sorted);
        Map<String, Long> perStrategy = sorted.stream().map(r -> r.split(" \\| ")[2].strip())
                .collect(Collectors.groupingBy(s -> s.startsWith("EXPLAIN failed") ? "EXPLAIN failed" : s, TreeMap::new,
                        Collectors.counting()));
        lines.add("");
        lines.add("Queries per strategy: " + perStrategy);
        Files.createDirectories(REPORT.getParent());
        Files.write(REPORT, lines, StandardCharsets.UTF_8);
        System.out.println("corpus: " + sorted.size() + " queries, per strategy " + perStrategy + "; table in "
                + REPORT.toAbsolutePath());
    }
}
