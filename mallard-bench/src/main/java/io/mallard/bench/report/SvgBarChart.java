package io.mallard.bench.report;

import java.util.List;
import java.util.Locale;

/**
 * A horizontal grouped bar chart as a self-contained SVG document: one group per category (a query), one bar per
 * series (Mallard, DuckDB) at the median, a whisker from min to max, and a note at the right end of each group (the
 * ratio). Hand-written so that the harness needs no charting library.
 */
public final class SvgBarChart {
    /** A series: its legend name and fill colour. */
    public record Series(String name, String color) {
    }

    /** One bar: the value drawn, and the whisker's ends (NaN for none). */
    public record Bar(double value, double low, double high) {
        public static Bar of(double value) {
            return new Bar(value, Double.NaN, Double.NaN);
        }
    }

    private static final int WIDTH = 900;
    private static final int LABEL_WIDTH = 150;
    private static final int NOTE_WIDTH = 90;
    private static final int BAR_HEIGHT = 12;
    private static final int GROUP_GAP = 10;
    private static final int TOP = 60;

    private SvgBarChart() {
    }

    /**
     * @param values per category, one bar per series (NaN value: no bar, e.g. a failed query)
     * @param notes  per category, text at the right (may be empty strings)
     */
    public static String horizontal(String title, String unit, List<String> categories, List<Series> series,
            List<List<Bar>> values, List<String> notes) {
        double max = 0;
        for (List<Bar> group : values) {
            for (Bar bar : group) {
                max = Math.max(max, finite(bar.value()));
                max = Math.max(max, finite(bar.high()));
            }
        }
        max = max <= 0 ? 1 : niceCeiling(max);
        int plotWidth = WIDTH - LABEL_WIDTH - NOTE_WIDTH - 20;
        int groupHeight = series.size() * BAR_HEIGHT + GROUP_GAP;
        int height = TOP + categories.size() * groupHeight + 40;
        StringBuilder svg = new StringBuilder();
        svg.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                + "viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"11\">%n", WIDTH, height, WIDTH, height));
        svg.append(String.format(Locale.ROOT, "<rect width=\"%d\" height=\"%d\" fill=\"white\"/>%n", WIDTH, height));
        svg.append(String.format(Locale.ROOT, "<text x=\"10\" y=\"20\" font-size=\"14\" font-weight=\"bold\">%s</text>%n",
                escape(title)));
        int legendX = LABEL_WIDTH;
        for (Series s : series) {
            svg.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"30\" width=\"12\" height=\"12\" fill=\"%s\"/>"
                    + "<text x=\"%d\" y=\"40\">%s</text>%n", legendX, s.color(), legendX + 16, escape(s.name())));
            legendX += 20 + 7 * s.name().length() + 20;
        }
        for (int tick = 0; tick <= 4; tick++) {
            double value = max * tick / 4;
            double x = LABEL_WIDTH + plotWidth * tick / 4.0;
            svg.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#ddd\"/>"
                    + "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\" fill=\"#555\">%s %s</text>%n", x, TOP - 6, x,
                    height - 30, x, height - 16, format(value), escape(unit)));
        }
        for (int c = 0; c < categories.size(); c++) {
            int y = TOP + c * groupHeight;
            svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>%n",
                    LABEL_WIDTH - 8, y + groupHeight / 2 + 2, escape(categories.get(c))));
            for (int s = 0; s < series.size(); s++) {
                Bar bar = values.get(c).get(s);
                int barY = y + s * BAR_HEIGHT;
                if (Double.isNaN(bar.value())) {
                    svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" fill=\"#b00\">no result</text>%n",
                            LABEL_WIDTH + 4, barY + BAR_HEIGHT - 2));
                    continue;
                }
                double w = plotWidth * bar.value() / max;
                svg.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"%s\">"
                        + "<title>%s %s: %s %s</title></rect>%n", LABEL_WIDTH, barY, Math.max(w, 0.5), BAR_HEIGHT - 2,
                        series.get(s).color(), escape(categories.get(c)), escape(series.get(s).name()),
                        format(bar.value()), escape(unit)));
                if (!Double.isNaN(bar.low()) && !Double.isNaN(bar.high())) {
                    double x1 = LABEL_WIDTH + plotWidth * bar.low() / max;
                    double x2 = LABEL_WIDTH + plotWidth * bar.high() / max;
                    double mid = barY + (BAR_HEIGHT - 2) / 2.0;
                    svg.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
                            + "stroke=\"#222\"/>%n", x1, mid, x2, mid));
                }
            }
            String note = c < notes.size() ? notes.get(c) : "";
            if (!note.isEmpty()) {
                svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\">%s</text>%n", WIDTH - NOTE_WIDTH,
                        y + groupHeight / 2 + 2, escape(note)));
            }
        }
        svg.append("</svg>\n");
        return svg.toString();
    }

    private static double finite(double v) {
        return Double.isFinite(v) ? v : 0;
    }

    /** A round number (1, 1.5, 2, … 8 times a power of ten) at least {@code v}, so the longest bar fills most of the axis. */
    static double niceCeiling(double v) {
        double power = Math.pow(10, Math.floor(Math.log10(v)));
        for (double step : new double[] {1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10}) {
            if (step * power >= v) {
                return step * power;
            }
        }
        return 10 * power;
    }

    private static String format(double v) {
        return v >= 100 || v == Math.rint(v) ? String.format(Locale.ROOT, "%.0f", v) : String.format(Locale.ROOT, "%.1f", v);
    }

    static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
