package io.mallard.cli;

import io.mallard.cli.bench.BenchCommand;
import io.mallard.common.MallardException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code mallard} executable: one program for every role. */
@Command(name = "mallard", mixinStandardHelpOptions = true, version = "mallard 0.1.0",
        description = "A distributed SQL engine with DuckDB on every worker.",
        subcommands = {DemoCommand.class, UpCommand.class, BootstrapCommand.class, CoordinatorCommand.class,
            WorkerCommand.class, SqlCommand.class, LoadCommand.class, UserCommand.class, AuditCommand.class,
            BenchCommand.class})
public final class Main implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    public static void main(String[] args) {
        // servers log what they do; interactive commands print their own output and only warnings
        boolean server = args.length > 0 && (args[0].equals("coordinator") || args[0].equals("worker"));
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", System.getProperty("mallard.log", server ? "info" : "warn"));
        System.setProperty("org.slf4j.simpleLogger.log.org.apache.arrow", System.getProperty("mallard.log", "warn"));
        // the handshake logs a stack trace for every refused connection; the error reaches the caller anyway
        System.setProperty("org.slf4j.simpleLogger.log.org.apache.arrow.flight.auth2.ClientHandshakeWrapper", "off");
        System.setProperty("org.slf4j.simpleLogger.showDateTime", "true");
        System.setProperty("org.slf4j.simpleLogger.dateTimeFormat", "HH:mm:ss.SSS");
        System.setProperty("org.slf4j.simpleLogger.logFile", "System.err");
        System.exit(commandLine().execute(args));
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
