package io.mallard.bench;

import io.mallard.client.MallardClient;
import io.mallard.common.rows.QueryRows;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What one run of a query cost the cluster, as the coordinator reports it for {@code EXPLAIN ANALYZE}: the strategy,
 * the tasks and workers, the rows and bytes the workers shipped, and the coordinator's timeline of the run.
 */
public record QueryStats(String strategy, int tasks, int workers, long rowsShipped, long bytesShipped, String timeline) {
    private static final Pattern STRATEGY = Pattern.compile("strategy: +(\\w+)");
    private static final Pattern ANALYZE = Pattern.compile(
            "analyze: +(\\d+) tasks on (\\d+) workers, (\\d+) rows and (\\d+) bytes shipped.*");
    private static final Pattern TIMELINE = Pattern.compile("timeline: +(.*)");

    private static final Pattern PHASE = Pattern.compile("([a-z ]+?) (\\d+(?:\\.\\d+)?) ms");

    /**
     * The coordinator's timeline as phase name → milliseconds since the statement arrived ({@code planned},
     * {@code dispatched}, {@code first batch}, {@code last shard done}, {@code done}), in order.
     */
    public java.util.Map<String, Double> phases() {
        java.util.Map<String, Double> phases = new java.util.LinkedHashMap<>();
        for (String part : timeline.split(",")) {
            Matcher m = PHASE.matcher(part.strip());
            if (m.matches()) {
                phases.put(m.group(1), Double.parseDouble(m.group(2)));
            }
        }
        return phases;
    }

    /** Runs {@code EXPLAIN ANALYZE sql} (the query runs once more, its answer dropped on the coordinator). */
    public static QueryStats analyze(MallardClient client, String sql) {
        return parse(client.query("EXPLAIN ANALYZE " + sql));
    }

    static QueryStats parse(QueryRows plan) {
        String strategy = null;
        String timeline = "";
        int tasks = -1;
        int workers = -1;
        long rows = -1;
        long bytes = -1;
        for (List<Object> row : plan.rows()) {
            String line = String.valueOf(row.get(0));
            Matcher m;
            if (strategy == null && (m = STRATEGY.matcher(line)).matches()) {
                strategy = m.group(1);
            } else if ((m = ANALYZE.matcher(line)).matches()) {
                tasks = Integer.parseInt(m.group(1));
                workers = Integer.parseInt(m.group(2));
                rows = Long.parseLong(m.group(3));
                bytes = Long.parseLong(m.group(4));
            } else if ((m = TIMELINE.matcher(line)).matches()) {
                timeline = m.group(1);
            }
        }
        if (strategy == null || tasks < 0) {
            throw new IllegalStateException("the coordinator's EXPLAIN ANALYZE has no strategy or analyze line: " + plan.rows());
        }
        return new QueryStats(strategy, tasks, workers, rows, bytes, timeline);
    }
}
