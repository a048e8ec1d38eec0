package io.mallard.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.mallard.common.ErrorCode;
import io.mallard.common.MallardException;
import io.mallard.common.rows.QueryRows;
import io.mallard.data.queries.DemoQueries;
import io.mallard.data.table.Snapshot;
import io.mallard.protocol.Messages;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Bad queries get a coded, positioned error over the wire and leave the cluster serving. */
class BadInputTest extends SharedClusterTest {
    private static MallardException fails(String sql) {
        MallardException e = catchThrowableOfType(MallardException.class, () -> client.query(sql));
        assertThat(e).as("error for %s", sql).isNotNull();
        return e;
    }

    private static void clusterStillAnswers() throws Exception {
        String sql = DemoQueries.Q6.sql();
        assertThat(oracle.difference(sql, client.query(sql))).isEmpty();
    }

    @Test
    void unparsableQueryReturnsTheParserMessageWithItsPosition() throws Exception {
        MallardException e = fails("SELECT count(*) FORM lineitem");
        assertThat(e.code()).isEqualTo(ErrorCode.SYNTAX_ERROR);
        assertThat(e.getMessage()).contains("syntax error at or near \"lineitem\"");
        assertThat(e.position()).hasValue(21);
        clusterStillAnswers();
    }

    @Test
    void unknownTableIsNamed() throws Exception {
        MallardException e = fails("SELECT count(*) FROM lineitems");
        assertThat(e.code()).isEqualTo(ErrorCode.TABLE_NOT_FOUND);
        assertThat(e.getMessage()).contains("lineitems").doesNotContain("DESCRIBE");
        assertThat(e.position()).hasValue(21);
        clusterStillAnswers();
    }

    @Test
    void unknownColumnIsABinderError() throws Exception {
        MallardException e = fails("SELECT sum(l_nope) FROM lineitem");
        assertThat(e.code()).isEqualTo(ErrorCode.BINDER_ERROR);
        assertThat(e.getMessage()).contains("l_nope");
        clusterStillAnswers();
    }

    @Test
    void anErrorOnOneShardIsTheQuerysErrorEvenWhenItsUploadIsShared() throws Exception {
        // only one shard fails (rows go to shard hash(key) % 8): the highest shard of a worker that holds more than one,
        // so that its worker has begun to send the answer of a lower shard on the upload they share when it fails; the
        // worker's error must win over the broken-off upload. Placement follows the workers' random identities, so the
        // shard is chosen from the placement (with 8 shards on 3 workers, some worker always holds at least 3).
        List<String> shared = cluster.status().workers().stream().map(Messages.WorkerView::trusted)
                .filter(shards -> shards.size() > 1).findFirst().orElseThrow();
        int failing = shared.stream().mapToInt(Snapshot::shardNumber).max().orElseThrow();
        String sql = "SELECT sum(CASE WHEN hash(l_orderkey) % 8 = " + failing
                + " THEN CAST(l_comment AS INTEGER) ELSE 0 END) FROM lineitem";
        assertThat(client.explain(sql).strategy()).isEqualTo("PUSHDOWN_AGG");
        MallardException e = fails(sql);
        assertThat(e.code()).as(e.getMessage()).isEqualTo(ErrorCode.EXECUTION_ERROR);
        assertThat(e.getMessage()).startsWith("Conversion Error").contains("INT32");
        assertThat(cluster.awaitQuiescent(10_000)).isTrue();
        clusterStillAnswers();
    }

    @Test
    void constructsPushdownCannotSplitAreGatheredAndNamed() throws Exception {
        String sql = "SELECT station, median(measure) FROM measurements GROUP BY station ORDER BY station";
        Messages.PlanDescription plan = client.explain(sql);
        assertThat(plan.strategy()).isEqualTo("GATHER");
        assertThat(plan.text()).contains("aggregate function median");
        assertThat(oracle.difference(sql, client.query(sql))).isEmpty();
        clusterStillAnswers();
    }

    @Test
    void explainReturnsThePlanAndExplainAnalyzeItsFigures() {
        QueryRows plan = client.query("  -- the plan\n explain SELECT count(*) FROM lineitem");
        assertThat(plan.columns()).containsExactly("plan");
        assertThat(plan.rows().get(0).get(0)).isEqualTo("strategy: PUSHDOWN_AGG");
        QueryRows analyzed = client.query("EXPLAIN ANALYZE SELECT count(*) FROM lineitem");
        assertThat(analyzed.rows().get(0).get(0)).isEqualTo("strategy: PUSHDOWN_AGG");
        assertThat(analyzed.rows().stream().map(r -> (String) r.get(0)))
                .anyMatch(line -> line.matches("analyze: +\\d+ tasks on \\d+ workers, \\d+ rows and \\d+ bytes shipped, 1 result rows"))
                .anyMatch(line -> line.startsWith("timeline: planned "));
        MallardException e = fails("EXPLAIN ANALYZE");
        assertThat(e.code()).isEqualTo(ErrorCode.SYNTAX_ERROR);
    }

    @Test
    void statementsThatAreNeitherQueriesNorTableChangesAreRefused() throws Exception {
        // tables are changed with their own statements (TableStatementsTest); everything else but queries is refused
        for (String sql : List.of("CREATE VIEW v AS SELECT 1", "ATTACH '/tmp/x.duckdb' AS x", "INSTALL httpfs",
                "EXPORT DATABASE '/tmp/x'")) {
            MallardException e = fails(sql);
            assertThat(e.code()).as(sql + ": " + e.getMessage()).isIn(ErrorCode.UNSUPPORTED_STATEMENT, ErrorCode.SYNTAX_ERROR);
        }
        clusterStillAnswers();
    }

    @Test
    void localQueriesRunOnTheCoordinatorsFullCopies() throws Exception {
        String sql = "SELECT n_name, r_name FROM nation JOIN region ON n_regionkey = r_regionkey ORDER BY n_name";
        assertThat(client.explain(sql).strategy()).isEqualTo("LOCAL");
        assertThat(oracle.difference(sql, client.query(sql))).isEmpty();
        String customers = "SELECT c_mktsegment, count(*) FROM customer GROUP BY ALL ORDER BY 1";
        assertThat(oracle.difference(customers, client.query(customers))).isEmpty();
    }

    @Test
    void localQueriesCannotReadFiles() {
        MallardException e = fails("SELECT * FROM read_csv('/etc/passwd')");
        assertThat(e.code()).isEqualTo(ErrorCode.PERMISSION_DENIED);
    }
}
