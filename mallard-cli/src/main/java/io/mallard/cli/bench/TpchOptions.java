package io.mallard.cli.bench;

import io.mallard.data.queries.NamedQuery;
import io.mallard.data.queries.TpchQueries;
import java.util.List;
import java.util.stream.IntStream;
import picocli.CommandLine.Option;

/** The TPC-H data and queries a benchmark runs: scale factor, shards and query numbers. */
final class TpchOptions {
    @Option(names = "--sf", defaultValue = "1", description = "TPC-H scale factor (default: ${DEFAULT-VALUE}).")
    double scaleFactor;

    @Option(names = "--shards", defaultValue = "8", description = "Shards (default: ${DEFAULT-VALUE}).")
    int shards;

    @Option(names = "--queries", split = ",", description = "TPC-H query numbers, e.g. 1,6 (default: all 22).")
    List<Integer> queries;

    /** The chosen queries; an unknown number fails here, before any data is generated. */
    List<NamedQuery> selected() {
        List<Integer> numbers = queries == null || queries.isEmpty() ? IntStream.rangeClosed(1, 22).boxed().toList() : queries;
        return numbers.stream().map(TpchQueries::query).toList();
    }
}
