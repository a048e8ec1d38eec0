package io.mallard.bench;

import io.mallard.bench.report.MarkdownTable;
import io.mallard.bench.report.SvgBarChart;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Renders measured queries as a Markdown table and an SVG chart, and sums them up as a geometric mean of ratios. */
public final class Comparison {
    static final SvgBarChart.Series MALLARD = new SvgBarChart.Series("Mallard (distributed)", "#3b6fb6");
    static final SvgBarChart.Series DUCKDB = new SvgBarChart.Series("single DuckDB", "#e0a030");

    private Comparison() {
    }

    /** The geometric mean of the ratios of the queries that ran and matched the oracle; NaN when none did. */
    public static double geometricMeanRatio(List<ComparedQuery> queries) {
        return Samples.geometricMean(queries.stream().filter(ComparedQuery::matched).map(ComparedQuery::ratio).toList());
    }

    public static String markdown(List<ComparedQuery> queries) {
        MarkdownTable table = new MarkdownTable("query", "strategy", ">Mallard ms", ">min–max", ">DuckDB ms", ">min–max",
                ">ratio", ">tasks", ">rows shipped", ">bytes shipped", "check");
        for (ComparedQuery q : queries) {
            if (q.mallard() == null) {
                table.row(q.query(), "-", "-", "-", "-", "-", "-", "-", "-", "-", q.check());
                continue;
            }
            table.row(q.query(), q.strategy(), ms(q.mallard().median()), range(q.mallard()), ms(q.duckdb().median()),
                    range(q.duckdb()), String.format(Locale.ROOT, "%.2f", q.ratio()), q.tasks(),
                    String.format(Locale.ROOT, "%,d", q.rowsShipped()), bytes(q.bytesShipped()),
                    q.check().length() > 60 ? q.check().substring(0, 60) + "…" : q.check());
        }
        return table.render();
    }

    public static String svg(String title, List<ComparedQuery> queries) {
        List<String> categories = new ArrayList<>();
        List<List<SvgBarChart.Bar>> values = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        for (ComparedQuery q : queries) {
            categories.add(q.query());
            if (q.mallard() == null) {
                values.add(List.of(SvgBarChart.Bar.of(Double.NaN), SvgBarChart.Bar.of(Double.NaN)));
                notes.add("failed");
                continue;
            }
            values.add(List.of(bar(q.mallard()), bar(q.duckdb())));
            notes.add(String.format(Locale.ROOT, "×%.2f%s", q.ratio(), q.matched() ? "" : " (wrong)"));
        }
        return SvgBarChart.horizontal(title, "ms", categories, List.of(MALLARD, DUCKDB), values, notes);
    }

    private static SvgBarChart.Bar bar(Timing t) {
        return new SvgBarChart.Bar(t.median(), t.min(), t.max());
    }

    static String ms(double millis) {
        return String.format(Locale.ROOT, millis >= 100 ? "%.0f" : "%.1f", millis);
    }

    private static String range(Timing t) {
        return ms(t.min()) + "–" + ms(t.max());
    }

    /** Bytes in B, KB, MB or GB (powers of 1024), as the coordinator's figures are compared by eye. */
    public static String bytes(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        String[] units = {"KB", "MB", "GB", "TB"};
        double value = bytes;
        int unit = -1;
        while (value >= 1024 && unit < units.length - 1) {
            value /= 1024;
            unit++;
        }
        return String.format(Locale.ROOT, value >= 10 ? "%.0f %s" : "%.1f %s", value, units[unit]);
    }
}
