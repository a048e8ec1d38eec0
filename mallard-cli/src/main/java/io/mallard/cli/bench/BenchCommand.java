package io.mallard.cli.bench;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code mallard bench}: the benchmark harness. Each subcommand prints Markdown and writes JSON and SVG results. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Benchmarks: Mallard beside a single DuckDB over the same data, the fixed cost of a query, and the "
                + "coordinator at scale. Figures are ratios measured side by side in one run; see docs/benchmarks.md.",
        subcommands = {BenchTpchCommand.class, BenchChallengeCommand.class, BenchOverheadCommand.class,
            BenchScaleCommand.class, BenchShardsCommand.class, BenchLoadCommand.class, BenchAppendsCommand.class,
            BenchFaultsCommand.class, BenchJmhCommand.class})
public final class BenchCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
