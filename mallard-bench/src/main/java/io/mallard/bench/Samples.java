package io.mallard.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Timings of repeated runs in milliseconds, in the order they were taken. */
public record Samples(List<Double> millis) {
    public Samples {
        millis = List.copyOf(millis);
        if (millis.isEmpty()) {
            throw new IllegalArgumentException("no samples");
        }
    }

    public double median() {
        return percentile(50);
    }

    public double min() {
        return sorted().get(0);
    }

    public double max() {
        return sorted().get(millis.size() - 1);
    }

    /**
     * The {@code p}-th percentile by linear interpolation between the closest ranks (so the 50th of an even count is the
     * mean of the two middle values).
     */
    public double percentile(double p) {
        List<Double> sorted = sorted();
        double rank = p / 100.0 * (sorted.size() - 1);
        int low = (int) Math.floor(rank);
        int high = (int) Math.ceil(rank);
        return sorted.get(low) + (sorted.get(high) - sorted.get(low)) * (rank - low);
    }

    private List<Double> sorted() {
        List<Double> sorted = new ArrayList<>(millis);
        Collections.sort(sorted);
        return sorted;
    }

    /** The geometric mean of positive values: the average of ratios that treats 2× and ½× symmetrically. */
    public static double geometricMean(List<Double> values) {
        if (values.isEmpty()) {
            return Double.NaN;
        }
        double logSum = 0;
        for (double v : values) {
            logSum += Math.log(v);
        }
        return Math.exp(logSum / values.size());
    }
}
