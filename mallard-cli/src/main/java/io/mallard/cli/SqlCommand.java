package io.mallard.cli;

import io.mallard.client.ConnectOptions;
import io.mallard.client.MallardSqlClient;
import io.mallard.common.ErrorCode;
import io.mallard.common.MallardException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.Reader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.concurrent.Callable;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code mallard sql}: the interactive prompt on a terminal, a script on standard input, or the statements of
 * {@code -c}. Exits non-zero when any statement failed.
 */
@Command(name = "sql", mixinStandardHelpOptions = true, description = "Run SQL against a coordinator: a prompt on a "
        + "terminal, otherwise the statements of -c or standard input (exit code 1 if any failed).")
final class SqlCommand implements Callable<Integer> {
    static final Path DEFAULT_CONFIG = Path.of(System.getProperty("user.home"), ".mallard", "config.properties");

    @Option(names = "--host", description = "Coordinator host (default: 127.0.0.1, or host= in the config file).")
    String host;

    @Option(names = "--port", description = "Coordinator Flight port (default: 31337, or port= in the config file).")
    Integer port;

    @Option(names = "--user", description = "User name (default: admin, or user= in the config file).")
    String user;

    @Option(names = "--password", description = "Password (else environment MALLARD_PASSWORD, else password= in the "
            + "config file, else asked for on a terminal).")
    String password;

    @Option(names = "--ca", description = "The cluster's CA certificate, tls/ca.pem (or ca= in the config file).")
    Path ca;

    @Option(names = "--insecure", description = "Plaintext, for a coordinator started with --insecure.")
    boolean insecure;

    @Option(names = "--config", description = "Connection settings file: host=, port=, user=, password=, ca= "
            + "(default: ~/.mallard/config.properties if it exists).")
    Path config;

    @Option(names = "-c", description = "Run these statements (separated by ';') and exit.")
    String command;

    @Option(names = "--format", defaultValue = "box", description = "box, csv, json or markdown (default: ${DEFAULT-VALUE}).")
    String format;

    @Option(names = "--history", description = "History file of the prompt (default: ~/.mallard_history).")
    Path history;

    @Override
    public Integer call() throws Exception {
        ResultFormat resultFormat = ResultFormat.parse(format);
        Properties file = loadConfig();
        boolean interactive = command == null && System.console() != null;
        String secret = first(password, System.getenv("MALLARD_PASSWORD"), file.getProperty("password"));
        if (secret == null) {
            secret = interactive ? askPassword() : "";
        }
        String caFile = first(ca == null ? null : ca.toString(), file.getProperty("ca"));
        if (caFile == null && !insecure) {
            throw new MallardException(ErrorCode.INVALID_ARGUMENT, "--ca is required with TLS: the cluster's tls/ca.pem "
                    + "(or ca= in the config file, or --insecure for a plaintext coordinator)");
        }
        ConnectOptions options = new ConnectOptions(
                first(host, file.getProperty("host"), "127.0.0.1"),
                Integer.parseInt(first(port == null ? null : port.toString(), file.getProperty("port"), "31337")),
                first(user, file.getProperty("user"), "admin"), secret, insecure ? null : Path.of(caFile), insecure);
        try (MallardSqlClient client = MallardSqlClient.connect(options)) {
            if (!interactive) {
                PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
                PrintWriter err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
                Reader source = command != null ? new StringReader(command)
                        : new InputStreamReader(System.in, StandardCharsets.UTF_8);
                Shell shell = new Shell(client, out, err, resultFormat, false, () -> TablePrinter.DEFAULT_WIDTH);
                return shell.runScript(new BufferedReader(source)) == 0 ? 0 : 1;
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
        return shell.runInteractive(terminal, history != null ? history
                : Path.of(System.getProperty("user.home"), ".mallard_history"));
    }

    private Properties loadConfig() throws IOException {
        Properties properties = new Properties();
        Path file = config != null ? config : DEFAULT_CONFIG;
        if (config != null && !Files.exists(file)) {
            throw new MallardException(ErrorCode.INVALID_ARGUMENT, "no config file " + file);
        }
        if (Files.exists(file)) {
            try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                properties.load(reader);
            }
        }
        return properties;
    }

    private static String askPassword() {
        char[] typed = System.console().readPassword("password: ");
        return typed == null ? "" : new String(typed);
    }

    private static String first(String... values) {
        for (String value : values) {
            if (value != null) {
                return value;
            }
        }
        return null;
    }
}
