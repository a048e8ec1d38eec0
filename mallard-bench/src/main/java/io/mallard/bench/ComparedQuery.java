package io.mallard.bench;

import io.mallard.client.MallardClient;
import io.mallard.common.MallardException;
import io.mallard.data.queries.NamedQuery;
import io.mallard.oracle.Oracle;
import java.util.Optional;

/**
 * One query measured through the coordinator and on a single DuckDB, checked against the oracle, with the cluster's
 * cost of one run from {@code EXPLAIN ANALYZE}.
 *
 * @param check    {@code MATCH}, {@code DIFFERENT: …} or {@code FAILED: …}
 * @param mallard  null when the query failed
 * @param ratio    median over median, null when the query failed
 */
public record ComparedQuery(String query, String check, Timing mallard, Timing duckdb, Double ratio, String strategy,
        Integer tasks, Long rowsShipped, Long bytesShipped, String timeline) {

    public boolean matched() {
        return "MATCH".equals(check);
    }

    /**
     * Warm-up rounds, then interleaved timed rounds (see {@link SideBySide#interleaved}); then one oracle comparison of
     * the last distributed answer and one {@code EXPLAIN ANALYZE}, both untimed.
     */
    public static ComparedQuery measure(MallardClient client, SingleDuckDb duckdb, Oracle oracle, NamedQuery query,
            int warmups, int runs) throws Exception {
        SideBySide.Runs timed;
        try {
            timed = SideBySide.interleaved(client::query, duckdb::query, query.sql(), warmups, runs);
        } catch (MallardException e) {
            return new ComparedQuery(query.name(), "FAILED: " + e.describe(), null, null, null, null, null, null, null, null);
        }
        Optional<String> difference = oracle.difference(query.sql(), timed.lastDistributed());
        QueryStats stats = QueryStats.analyze(client, query.sql());
        return new ComparedQuery(query.name(), difference.map(d -> "DIFFERENT: " + d).orElse("MATCH"),
                Timing.of(timed.distributed()), Timing.of(timed.duckdb()), Math.round(timed.ratio() * 1000) / 1000.0,
                stats.strategy(), stats.tasks(), stats.rowsShipped(), stats.bytesShipped(), stats.timeline());
    }
}
