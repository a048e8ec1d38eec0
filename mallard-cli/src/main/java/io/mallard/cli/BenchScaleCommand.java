package io.mallard.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

@Command(name = "scale", mixinStandardHelpOptions = true, description = "Time against worker count.")
final class BenchScaleCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        return 0;
    }
}
