package io.mallard.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.mallard.bench.report.MarkdownTable;
import io.mallard.bench.report.SvgBarChart;
import io.mallard.common.rows.QueryRows;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The harness's arithmetic and renderers: percentiles, geometric mean, EXPLAIN ANALYZE parsing, Markdown, SVG. */
class ReportingTest {
    @Test
    void percentilesInterpolateAndGeometricMeanIsSymmetric() {
        Samples samples = new Samples(List.of(4.0, 1.0, 3.0, 2.0));
        assertThat(samples.median()).isEqualTo(2.5);
        assertThat(samples.min()).isEqualTo(1.0);
        assertThat(samples.max()).isEqualTo(4.0);
        assertThat(samples.percentile(90)).isEqualTo(3.7, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(Samples.geometricMean(List.of(2.0, 0.5))).isEqualTo(1.0, org.assertj.core.data.Offset.offset(1e-12));
    }

    @Test
    void explainAnalyzeLinesParse() {
        QueryRows plan = new QueryRows(List.of("plan"), List.of("Utf8"), List.of(
                List.of("strategy: PUSHDOWN_AGG"), List.of("shards:   8"),
                List.of("analyze:  8 tasks on 2 workers, 32 rows and 5952 bytes shipped, 4 result rows"),
                List.of("timeline: planned 0.1 ms, dispatched 0.5 ms, first batch 21.9 ms, last shard done 98.8 ms, done 99.7 ms")));
        QueryStats stats = QueryStats.parse(plan);
        assertThat(stats).isEqualTo(new QueryStats("PUSHDOWN_AGG", 8, 2, 32, 5952,
                "planned 0.1 ms, dispatched 0.5 ms, first batch 21.9 ms, last shard done 98.8 ms, done 99.7 ms"));
        assertThat(stats.phases()).containsEntry("dispatched", 0.5).containsEntry("last shard done", 98.8).hasSize(5);
    }

    @Test
    void markdownAlignsAndSvgIsOneDocument() {
        String table = new MarkdownTable("query", ">ms").row("q1", "12.5").row("q|2", "3").render();
        assertThat(table).isEqualTo("""
                | query |   ms |
                | ----- | ---: |
                | q1    | 12.5 |
                | q\\|2  |    3 |
                """);
        String svg = SvgBarChart.horizontal("a <title>", "ms", List.of("q1"), List.of(new SvgBarChart.Series("s", "#000")),
                List.of(List.of(new SvgBarChart.Bar(5, 4, 6))), List.of("×2"));
        assertThat(svg).startsWith("<svg").endsWith("</svg>\n").contains("a &lt;title&gt;").contains("×2");
        assertThat(Comparison.bytes(5952)).isEqualTo("5.8 KB");
    }
}
