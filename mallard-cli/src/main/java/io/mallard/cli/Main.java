package io.mallard.cli;

import io.mallard.cli.bench.BenchCommand;
import io.mallard.common.MallardException;
import io.mallard.common.logging.LogLevel;
import io.mallard.common.logging.MallardLogging;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code mallard} executable: one program for every role. */
@Command(name = "mallard", mixinStandardHelpOptions = true, version = "mallard 0.1.0",
        description = "A distributed SQL engine with DuckDB on every worker.",
        subcommands = {DemoCommand.class, UpCommand.class, BootstrapCommand.class, JoinTokenCommand.class,
            CoordinatorCommand.class, WorkerCommand.class, SqlCommand.class, LoadCommand.class, UserCommand.class,
            AuditCommand.class,
            BenchCommand.class})
public final class Main implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    public static void main(String[] args) {
        // servers log what they do; interactive commands print their own output and only warnings. The server commands'
        // --log-level and --log-format apply on top (LogOptions); loggers read the settings on every event.
        boolean server = args.length > 0 && (args[0].equals("coordinator") || args[0].equals("worker"));
        if (server) {
            io.mallard.common.duck.DuckNative.loadAndUnlink(); // nothing left in the temp directory, even after kill -9
        }
        MallardLogging.install();
        MallardLogging.configure(MallardLogging.format(null),
                MallardLogging.level(null, server ? LogLevel.INFO : LogLevel.WARN));
        CommandLine commandLine = commandLine();
        String[] expanded;
        try {
            expanded = ConfigFile.expand(commandLine, args);
        } catch (MallardException e) {
            System.err.println("error: " + e.describe());
            System.exit(1);
            return;
        }
        System.exit(commandLine.execute(expanded));
    }

    /** The program's command line: errors reach the user as {@code error: CODE: message} and exit code 1. */
    static CommandLine commandLine() {
        CommandLine commandLine = new CommandLine(new Main());
        commandLine.setExecutionExceptionHandler((e, cmd, parsed) -> {
            if (e instanceof MallardException m) {
                cmd.getErr().println("error: " + m.describe());
            } else {
                cmd.getErr().println("error: " + (e.getMessage() == null ? e.toString() : e.getMessage()));
            }
            if (System.getenv("MALLARD_DEBUG") != null) {
                e.printStackTrace(cmd.getErr());
            } else {
                cmd.getErr().println("(set MALLARD_DEBUG=1 for the stack trace)");
            }
            return 1;
        });
        return commandLine;
    }
}
