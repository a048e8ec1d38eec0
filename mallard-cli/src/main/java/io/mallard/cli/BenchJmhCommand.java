package io.mallard.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

@Command(name = "jmh", mixinStandardHelpOptions = true, description = "JMH microbenchmarks.")
final class BenchJmhCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        return 0;
    }
}
