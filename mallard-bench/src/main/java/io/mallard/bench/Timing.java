package io.mallard.bench;

import java.util.List;

/** A JSON-friendly summary of {@link Samples}: median, min, max, 90th percentile and every sample, in milliseconds. */
public record Timing(double median, double min, double max, double p90, List<Double> samples) {
    public static Timing of(Samples samples) {
        return new Timing(round(samples.median()), round(samples.min()), round(samples.max()),
                round(samples.percentile(90)), samples.millis().stream().map(Timing::round).toList());
    }

    private static double round(double millis) {
        return Math.round(millis * 1000) / 1000.0;
    }
}
