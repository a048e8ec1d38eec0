package io.mallard.data;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Parameters that fully determine the generated data: equal params give equal data.
 *
 * @param scaleFactor     TPC-H scale factor, {@code > 0}
 * @param measurementRows rows of the {@code measurements} table, {@code >= 0}
 * @param seed            seed for the measurements generator
 * @param edgeRows        rows of {@code edge_facts}, the fact table of the edge-case dataset {@code edge}
 *                        ({@link EdgeCaseGenerator}); {@code 0} means no {@code edge} dataset. Omitted from JSON when 0,
 *                        so manifests and oracle sidecars without it read as {@code 0}.
 */
public record DataParams(double scaleFactor, long measurementRows, long seed,
                         @JsonInclude(JsonInclude.Include.NON_DEFAULT) long edgeRows) {
    /** Validates the ranges. */
    public DataParams {
        if (!(scaleFactor > 0) || Double.isInfinite(scaleFactor)) {
            throw new IllegalArgumentException("scaleFactor must be > 0, got " + scaleFactor);
        }
        if (measurementRows < 0) {
            throw new IllegalArgumentException("measurementRows must be >= 0, got " + measurementRows);
        }
        if (edgeRows < 0) {
            throw new IllegalArgumentException("edgeRows must be >= 0, got " + edgeRows);
        }
    }

    /**
     * Params without the edge-case dataset.
     *
     * @param scaleFactor     TPC-H scale factor
     * @param measurementRows rows of {@code measurements}
     * @param seed            seed for the measurements generator
     */
    public DataParams(double scaleFactor, long measurementRows, long seed) {
        this(scaleFactor, measurementRows, seed, 0);
    }

    /** @return whether the {@code edge} dataset is part of the data */
    public boolean hasEdgeDataset() {
        return edgeRows > 0;
    }
}
