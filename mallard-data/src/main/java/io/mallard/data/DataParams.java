package io.mallard.data;

/**
 * Parameters that fully determine the generated data: equal params give equal data.
 *
 * @param scaleFactor     TPC-H scale factor, {@code > 0}
 * @param measurementRows rows of the {@code measurements} table, {@code >= 0}
 * @param seed            seed for the measurements generator
 */
public record DataParams(double scaleFactor, long measurementRows, long seed) {
    /** Validates the ranges. */
    public DataParams {
        if (!(scaleFactor > 0) || Double.isInfinite(scaleFactor)) {
            throw new IllegalArgumentException("scaleFactor must be > 0, got " + scaleFactor);
        }
        if (measurementRows < 0) {
            throw new IllegalArgumentException("measurementRows must be >= 0, got " + measurementRows);
        }
    }
}
