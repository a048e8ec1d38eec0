package io.mallard.cli;

import io.mallard.client.ConnectOptions;
import io.mallard.client.MallardSqlClient;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.Reader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code mallard sql}: the interactive prompt on a terminal, a script on standard input, or the statements of
 * {@code -c}. Exits non-zero when any statement failed.
 */
@Command(name = "sql", mixinStandardHelpOptions = true, description = "Run SQL against a coordinator: a prompt on a "
        + "terminal, otherwise the statements of -c or standard input (exit code 1 if any failed).")
final class SqlCommand implements Callable<Integer> {
    @Mixin
    ConnectionOptions connection;

    @Option(names = "-c", description = "Run these statements (separated by ';') and exit.")
    String command;

    @Option(names = "--format", defaultValue = "box", description = "box, csv, json, markdown or line (default: ${DEFAULT-VALUE}).")
    String format;

    @Option(names = "--history", description = "History file of the prompt (default: ~/.mallard_history).")
    Path history;

    @Override
    public Integer call() throws Exception {
        ResultFormat resultFormat = ResultFormat.parse(format);
        boolean interactive = command == null && System.console() != null;
        ConnectOptions options = connection.resolve(interactive);
        try (MallardSqlClient client = MallardSqlClient.connect(options)) {
            if (!interactive) {
                PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
                PrintWriter err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
                Reader source = command != null ? new StringReader(command)
                        : new InputStreamReader(System.in, StandardCharsets.UTF_8);
                Shell shell = new Shell(client, out, err, resultFormat, false, () -> TablePrinter.DEFAULT_WIDTH);
                try {
                    return shell.runScript(new BufferedReader(source)) == 0 ? 0 : 1;
                } finally {
                    shell.close(); // a file .output opened
                }
            }
            try (Terminal terminal = TerminalBuilder.builder().system(true).build()) {
                return interactive(client, terminal, resultFormat, history, options) == 0 ? 0 : 1;
            }
        }
    }

    /** The prompt on {@code terminal}; returns the number of failed statements. */
    static int interactive(MallardSqlClient client, Terminal terminal, ResultFormat format, Path history,
            ConnectOptions options) {
        PrintWriter out = terminal.writer();
        out.println("Connected to Mallard at " + options.host() + ":" + options.port() + " as " + options.user()
                + ". Statements end with ';'. .help for commands.");
        Shell shell = new Shell(client, out, out, format, true,
                () -> terminal.getWidth() > 0 ? terminal.getWidth() : TablePrinter.DEFAULT_WIDTH);
        try {
            return shell.runInteractive(terminal, history != null ? history
                    : Path.of(System.getProperty("user.home"), ".mallard_history"));
        } finally {
            shell.close(); // a file .output opened
        }
    }
}
