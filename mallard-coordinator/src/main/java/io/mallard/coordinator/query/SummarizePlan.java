package io.mallard.coordinator.query;

import io.mallard.data.Sql;
import io.mallard.data.TableRole;
import io.mallard.data.table.ColumnDef;
import io.mallard.data.table.Snapshot;
import io.mallard.data.table.TableDef;
import io.mallard.planner.plan.DistributedPlan;
import io.mallard.planner.plan.Strategy;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code SUMMARIZE t} of a partitioned table without shipping its rows. DuckDB answers SUMMARIZE with one aggregate per
 * column over every row; here each shard sends three small streams instead, and the combine turns them into DuckDB's
 * twelve columns:
 * <ul>
 * <li>{@code __mallard_partials}: one row per shard with the row count and, per column, min, max, count of values,
 * the sum (numbers; microseconds since the epoch for dates and timestamps), mean and population variance. min, max,
 * count, null_percentage and avg come out exactly as one DuckDB computes them (up to the order of a floating-point
 * sum); std merges the shards' moments (Chan's formula).</li>
 * <li>{@code __mallard_sketch}: per column the 2,048 smallest distinct 63-bit hashes of its values (a K-minimum-values
 * sketch), so approx_unique is exact below 2,048 distinct values and otherwise estimated with a standard error of
 * about 2 % (DuckDB's own HyperLogLog estimate is off by up to 5 % on the same data).</li>
 * <li>{@code __mallard_sample}: a reservoir sample of 10,000 rows per shard, weighted by the shard's rows, from which
 * q25, q50 and q75 are read for numbers, dates and timestamps (DuckDB's are T-digest estimates; both are values of
 * the column near the quantile's rank).</li>
 * </ul>
 * {@code SUMMARIZE SELECT …}, tables that are not partitioned and tables with a TIME, TIMETZ, INTERVAL or
 * second/millisecond/nanosecond timestamp column take the general route (the rows are gathered and DuckDB summarizes
 * them).
 */
final class SummarizePlan {
    /** Distinct hashes kept per column: the sketch's size. */
    static final int SKETCH = 2048;
    /** Rows sampled per shard for the quantiles. */
    static final int SAMPLE_ROWS = 10_000;
    static final String SKETCH_STREAM = "__mallard_sketch";
    static final String SAMPLE_STREAM = "__mallard_sample";

    private static final String NAME = "(?:\"(?:[^\"]|\"\")+\"|[A-Za-z_][A-Za-z0-9_$]*)";
    private static final Pattern STATEMENT = Pattern.compile("\\s*SUMMARIZE\\s+(" + NAME + "(?:\\s*\\.\\s*" + NAME
            + "){0,2})\\s*;?\\s*", Pattern.CASE_INSENSITIVE | Pattern.DOTALL);
    private static final Pattern PART = Pattern.compile(NAME);

    private enum Kind {
        NUMBER, DATE_OR_TIMESTAMP, TIMESTAMP_TZ, OTHER
    }

    private SummarizePlan() {
    }

    /** The table named by {@code SUMMARIZE name} ({@code main.name} and {@code mallard.main.name} too), if that is the statement. */
    static Optional<String> target(String sql) {
        Matcher m = STATEMENT.matcher(sql);
        if (!m.matches()) {
            return Optional.empty();
        }
        List<String> parts = new ArrayList<>();
        Matcher p = PART.matcher(m.group(1));
        while (p.find()) {
            String part = p.group();
            parts.add(part.startsWith("\"") ? part.substring(1, part.length() - 1).replace("\"\"", "\"") : part);
        }
        int n = parts.size();
        if (n >= 2 && !parts.get(n - 2).equalsIgnoreCase("main") || n == 3 && !parts.get(0).equalsIgnoreCase("mallard")) {
            return Optional.empty(); // another schema or catalog: the general route says what is wrong
        }
        return Optional.of(parts.get(n - 1));
    }

    /** The plan for SUMMARIZE of {@code name} at {@code snapshot}, or empty for the general route. */
    static Optional<DistributedPlan> plan(String name, Snapshot snapshot) {
        Optional<TableDef> found = snapshot.table(name);
        if (found.isEmpty() || found.get().role() != TableRole.PARTITIONED) {
            return Optional.empty();
        }
        TableDef table = found.get();
        List<Kind> kinds = new ArrayList<>();
        for (ColumnDef column : table.columns()) {
            Optional<Kind> kind = kind(column.type());
            if (kind.isEmpty()) {
                return Optional.empty();
            }
            kinds.add(kind.get());
        }
        String from = Sql.ident(table.name());
        List<ColumnDef> columns = table.columns();

        List<String> partials = new ArrayList<>(List.of("count(*) AS n"));
        List<String> sketch = new ArrayList<>();
        List<String> sampled = new ArrayList<>();
        for (int i = 0; i < columns.size(); i++) {
            String c = Sql.ident(columns.get(i).name());
            partials.add("min(" + c + ") AS mn_" + i);
            partials.add("max(" + c + ") AS mx_" + i);
            partials.add("count(" + c + ") AS ct_" + i);
            switch (kinds.get(i)) {
                case NUMBER -> {
                    partials.add("sum(" + c + ") AS s_" + i);
                    partials.add("avg(CAST(" + c + " AS DOUBLE)) AS mean_" + i);
                    partials.add("var_pop(CAST(" + c + " AS DOUBLE)) AS var_" + i);
                    sampled.add(c + " AS v_" + i);
                }
                case DATE_OR_TIMESTAMP -> {
                    partials.add("sum(epoch_us(CAST(" + c + " AS TIMESTAMP))) AS s_" + i);
                    sampled.add(c + " AS v_" + i);
                }
                case TIMESTAMP_TZ -> {
                    partials.add("sum(epoch_us(" + c + ")) AS s_" + i);
                    sampled.add(c + " AS v_" + i);
                }
                case OTHER -> {
                    // min, max and counts only, as DuckDB's SUMMARIZE
                }
            }
            sketch.add("SELECT " + i + " AS i, h FROM (SELECT DISTINCT CAST(hash(" + c + ") >> 1 AS BIGINT) AS h FROM " + from
                    + " WHERE " + c + " IS NOT NULL ORDER BY h LIMIT " + SKETCH + ")");
        }
        List<DistributedPlan.WorkerStream> streams = new ArrayList<>();
        streams.add(new DistributedPlan.WorkerStream(DistributedPlan.PARTIALS, table.name(),
                "SELECT " + String.join(", ", partials) + " FROM " + from, true));
        streams.add(new DistributedPlan.WorkerStream(SKETCH_STREAM, table.name(), String.join(" UNION ALL ", sketch)));
        if (!sampled.isEmpty()) {
            streams.add(new DistributedPlan.WorkerStream(SAMPLE_STREAM, table.name(),
                    "SELECT (SELECT count(*) FROM " + from + ") AS shard_rows, count(*) OVER () AS sample_rows, "
                            + String.join(", ", sampled) + " FROM " + from + " USING SAMPLE reservoir(" + SAMPLE_ROWS
                            + " ROWS) REPEATABLE (42)", true));
        }
        String sql = "SUMMARIZE " + from;
        return Optional.of(new DistributedPlan(Strategy.PUSHDOWN_AGG, sql, streams, combine(columns, kinds), List.of(),
                "SUMMARIZE: per shard, statistics, a distinct-value sketch and a sample instead of the rows"));
    }

    /** DuckDB's type names: which statistics a column gets, or empty for a type left to the general route. */
    private static Optional<Kind> kind(String type) {
        String t = type.toUpperCase(Locale.ROOT).trim();
        if (t.endsWith("]") || t.startsWith("STRUCT") || t.startsWith("MAP") || t.startsWith("UNION")) {
            return Optional.of(Kind.OTHER);
        }
        if (t.matches("(U?(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT))|FLOAT|DOUBLE|DECIMAL.*")) {
            return Optional.of(Kind.NUMBER);
        }
        if (t.equals("DATE") || t.equals("TIMESTAMP")) {
            return Optional.of(Kind.DATE_OR_TIMESTAMP);
        }
        if (t.equals("TIMESTAMP WITH TIME ZONE")) {
            return Optional.of(Kind.TIMESTAMP_TZ);
        }
        if (t.startsWith("TIME") || t.startsWith("INTERVAL")) {
            return Optional.empty();
        }
        return Optional.of(Kind.OTHER);
    }

    /** One row per column, in DuckDB's SUMMARIZE columns and types. */
    private static String combine(List<ColumnDef> columns, List<Kind> kinds) {
        String p = DistributedPlan.PARTIALS;
        List<String> totals = new ArrayList<>(List.of("sum(n) AS n"));
        List<String> means = new ArrayList<>();
        List<String> moments = new ArrayList<>();
        for (int i = 0; i < columns.size(); i++) {
            totals.add("min(mn_" + i + ") AS mn_" + i);
            totals.add("max(mx_" + i + ") AS mx_" + i);
            totals.add("sum(ct_" + i + ") AS ct_" + i);
            if (kinds.get(i) != Kind.OTHER) {
                totals.add("sum(s_" + i + ") AS s_" + i);
            }
            if (kinds.get(i) == Kind.NUMBER) {
                means.add("sum(ct_" + i + " * mean_" + i + ") FILTER (WHERE ct_" + i + " > 0) / sum(ct_" + i + ") AS g_" + i);
                moments.add("sum(ct_" + i + " * var_" + i + " + ct_" + i + " * (mean_" + i + " - g_" + i + ") * (mean_" + i
                        + " - g_" + i + ")) FILTER (WHERE ct_" + i + " > 0) AS m2_" + i);
            }
        }
        StringBuilder sql = new StringBuilder("WITH t AS (SELECT " + String.join(", ", totals) + " FROM " + p + ")");
        if (!means.isEmpty()) {
            sql.append(", g AS (SELECT ").append(String.join(", ", means)).append(" FROM ").append(p).append(")")
                    .append(", m AS (SELECT ").append(String.join(", ", moments)).append(" FROM ").append(p)
                    .append(", g)");
        }
        sql.append(", k AS (SELECT i, count(*) AS k, max(h) AS hk FROM (SELECT i, h FROM (SELECT DISTINCT i, h FROM ")
                .append(SKETCH_STREAM).append(") QUALIFY row_number() OVER (PARTITION BY i ORDER BY h) <= ").append(SKETCH)
                .append(") GROUP BY i)");
        List<String> rows = new ArrayList<>();
        for (int i = 0; i < columns.size(); i++) {
            ColumnDef column = columns.get(i);
            Kind kind = kinds.get(i);
            String ct = "t.ct_" + i;
            String avg = switch (kind) {
                case NUMBER -> "CAST(CAST(t.s_" + i + " AS DOUBLE) / " + ct + " AS VARCHAR)";
                case DATE_OR_TIMESTAMP -> "CAST(TIMESTAMP '1970-01-01' + to_microseconds(CAST(t.s_" + i + " / " + ct
                        + " AS BIGINT)) AS VARCHAR)";
                case TIMESTAMP_TZ -> "CAST(TIMESTAMPTZ '1970-01-01 00:00:00+00' + to_microseconds(CAST(t.s_" + i + " / "
                        + ct + " AS BIGINT)) AS VARCHAR)";
                case OTHER -> "CAST(NULL AS VARCHAR)";
            };
            String std = kind == Kind.NUMBER
                    ? "CAST(CASE WHEN " + ct + " > 1 THEN sqrt(m.m2_" + i + " / (" + ct + " - 1)) END AS VARCHAR)"
                    : "CAST(NULL AS VARCHAR)";
            List<String> quantiles = new ArrayList<>();
            for (String q : List.of("0.25", "0.5", "0.75")) {
                quantiles.add(kind == Kind.OTHER ? "CAST(NULL AS VARCHAR)" : "CAST((" + quantile(i, q) + ") AS VARCHAR)");
            }
            String unique = "CAST(COALESCE((SELECT CASE WHEN k < " + SKETCH + " THEN k ELSE (k - 1) * 9223372036854775808.0 / hk "
                    + "END FROM k WHERE i = " + i + "), 0) AS BIGINT)";
            rows.add("SELECT " + i + " AS ord, " + Sql.literal(column.name()) + " AS column_name, "
                    + Sql.literal(column.type()) + " AS column_type, CAST(t.mn_" + i + " AS VARCHAR) AS \"min\", "
                    + "CAST(t.mx_" + i + " AS VARCHAR) AS \"max\", " + unique + " AS approx_unique, " + avg + " AS \"avg\", "
                    + std + " AS std, " + quantiles.get(0) + " AS q25, " + quantiles.get(1) + " AS q50, "
                    + quantiles.get(2) + " AS q75, CAST(t.n AS BIGINT) AS \"count\", CAST(CASE WHEN t.n > 0 THEN (1.0 - "
                    + "CAST(" + ct + " AS DOUBLE) / CAST(t.n AS DOUBLE)) * 100.0 END AS DECIMAL(9,2)) AS null_percentage "
                    + "FROM t" + (means.isEmpty() ? "" : ", m"));
        }
        sql.append(" SELECT column_name, column_type, \"min\", \"max\", approx_unique, \"avg\", std, q25, q50, q75, \"count\", "
                + "null_percentage FROM (").append(String.join(" UNION ALL ", rows)).append(") ORDER BY ord");
        return sql.toString();
    }

    /** The sample's value at rank {@code q} of the column's values, each sampled row standing for its shard's share. */
    private static String quantile(int i, String q) {
        return "SELECT min(v) FILTER (WHERE cw >= " + q + " * tw) FROM (SELECT v, sum(w) OVER (ORDER BY v ROWS BETWEEN "
                + "UNBOUNDED PRECEDING AND CURRENT ROW) AS cw, sum(w) OVER () AS tw FROM (SELECT v_" + i + " AS v, "
                + "CAST(shard_rows AS DOUBLE) / sample_rows AS w FROM " + SAMPLE_STREAM + " WHERE v_" + i
                + " IS NOT NULL))";
    }
}
