package io.mallard.cli.bench;

import io.mallard.bench.report.BenchReport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Unmatched;

/** {@code mallard bench jmh}: the JMH microbenchmarks (combine path, planning), with JMH's own options. */
@Command(name = "jmh", mixinStandardHelpOptions = true,
        description = "Run the JMH microbenchmarks: CombineBenchmark (N partial results through registerArrowStream into the "
                + "DuckDB combine) and PlanningBenchmark (DistributedPlanner.plan on TPC-H queries). Arguments are JMH's "
                + "(e.g. a benchmark regex, -p shards=1000, -f 1, -wi 2 -i 3, -l to list); results are also written as "
                + "JSON under --out.")
final class BenchJmhCommand implements Callable<Integer> {
    @Option(names = "--out", defaultValue = "bench-results", description = "Where the JSON result goes (default: ${DEFAULT-VALUE}).")
    Path out;

    @Parameters(arity = "0..*", description = "JMH arguments.")
    List<String> jmhArguments = new ArrayList<>();

    @Unmatched
    List<String> unmatched = new ArrayList<>();

    /**
     * JMH's arguments in their original order (picocli would separate unknown options from their values): everything
     * after {@code jmh} except {@code --out} and its value.
     */
    private List<String> jmhArguments() {
        List<String> original = spec.commandLine().getParseResult().originalArgs();
        List<String> arguments = new ArrayList<>();
        for (int i = original.indexOf("jmh") + 1; i < original.size(); i++) {
            if (original.get(i).equals("--out")) {
                i++;
            } else if (!original.get(i).startsWith("--out=")) {
                arguments.add(original.get(i));
            }
        }
        return arguments;
    }

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        List<String> arguments = jmhArguments();
        boolean listing = arguments.contains("-l") || arguments.contains("-lp") || arguments.contains("-h");
        Path json = null;
        if (!listing && !arguments.contains("-rff")) {
            Files.createDirectories(out);
            json = out.resolve(BenchReport.stem(LocalDateTime.now(), "jmh") + ".json");
            arguments.addAll(List.of("-rf", "json", "-rff", json.toString()));
        }
        CommandLineOptions options = new CommandLineOptions(arguments.toArray(String[]::new));
        if (listing) {
            org.openjdk.jmh.Main.main(arguments.toArray(String[]::new));
            return 0;
        }
        new Runner(options).run();
        if (json != null) {
            System.out.println("results: " + json);
        }
        return 0;
    }
}
