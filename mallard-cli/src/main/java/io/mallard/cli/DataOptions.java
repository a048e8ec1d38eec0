package io.mallard.cli;

import io.mallard.data.DataParams;
import picocli.CommandLine.Option;

/** The data a cluster directory is generated with: shared by bootstrap, up and demo. */
final class DataOptions {
    @Option(names = "--sf", defaultValue = "0.1", description = "TPC-H scale factor (default: ${DEFAULT-VALUE}).")
    double scaleFactor;

    @Option(names = "--rows", defaultValue = "10000000", description = "Rows of the measurements table (default: ${DEFAULT-VALUE}).")
    long rows;

    @Option(names = "--shards", defaultValue = "8", description = "Shards of the cluster: every partitioned table is split into this many (default: ${DEFAULT-VALUE}).")
    int shards;

    @Option(names = "--seed", defaultValue = "42", description = "Seed of the measurements generator (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--edge-rows", defaultValue = "0",
            description = "Rows of edge_facts in the edge-case dataset 'edge' used by the query corpus; 0 for none (default: ${DEFAULT-VALUE}).")
    long edgeRows;

    DataParams params() {
        return new DataParams(scaleFactor, rows, seed, edgeRows);
    }
}
