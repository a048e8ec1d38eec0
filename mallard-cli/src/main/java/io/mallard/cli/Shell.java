package io.mallard.cli;

import io.mallard.client.MallardSqlClient;
import io.mallard.common.MallardException;
import io.mallard.common.rows.QueryRows;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.IntSupplier;
import org.jline.reader.EndOfFileException;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.reader.UserInterruptException;
import org.jline.reader.impl.completer.AggregateCompleter;
import org.jline.reader.impl.completer.StringsCompleter;
import org.jline.terminal.Terminal;

/**
 * The {@code mallard sql} prompt and script runner: statements end with {@code ;} (several per line, or one over many
 * lines), dot-commands take one line. Results print in the chosen format; errors print with their code and count as
 * failures.
 */
final class Shell {
    private static final String HELP = String.join("\n",
            ".set distributed on|off   off: answer from the coordinator's full copies only",
            ".set summarize on|off     off: show each shard's partial results instead of the combined answer",
            ".timer on|off             print each statement's run time",
            ".explain SQL              show the distributed plan",
            ".tables [PATTERN]         list tables (LIKE pattern)",
            ".schema [TABLE]           show CREATE TABLE statements",
            ".workers                  list workers (mallard.workers)",
            ".shards                   list shards (mallard.shards)",
            ".read FILE                run the statements of a file",
            ".output [FILE]            send results to a file (no FILE: back to the screen)",
            ".once FILE                send the next result to a file",
            ".maxrows N                rows a boxed table shows (default 40)",
            ".nullvalue TEXT           how NULL prints",
            ".headers on|off           column names in csv output",
            ".mode box|csv|json|markdown|line  (also .format)",
            ".help                     this text",
            ".quit                     leave (also Ctrl-D)",
            "Statements end with ';'. Ctrl-C cancels a running query. System tables: mallard.queries, mallard.tasks, "
                    + "mallard.workers, mallard.shards.");

    private final MallardSqlClient client;
    private final PrintWriter out;
    private final PrintWriter err;
    private final boolean terminal;
    private final IntSupplier width;
    private ResultFormat format;
    private boolean timer;
    private boolean quit;
    private int maxRows = TablePrinter.DEFAULT_MAX_ROWS;
    /** What NULL prints as; null: each format's own (empty in csv, NULL elsewhere). */
    private String nullValue;
    private boolean headers = true;
    /** Where results go: {@code out} unless {@code .output} or {@code .once} chose a file. */
    private PrintWriter results;
    private boolean once;

    /**
     * @param terminal true when a person watches: progress lines for long queries
     * @param width    the screen width for boxed tables
     */
    Shell(MallardSqlClient client, PrintWriter out, PrintWriter err, ResultFormat format, boolean terminal, IntSupplier width) {
        this.client = client;
        this.out = out;
        this.err = err;
        this.format = format;
        this.terminal = terminal;
        this.width = width;
        this.results = out;
    }

    /** Runs every statement and dot-command of a script; returns the number that failed. */
    int runScript(BufferedReader in) throws IOException {
        int failures = 0;
        StatementSplitter splitter = new StatementSplitter();
        for (String line; !quit && (line = in.readLine()) != null;) {
            failures += runLine(splitter, line);
        }
        String rest = splitter.remainder();
        if (!quit && !rest.isEmpty() && StatementSplitter.incomplete(rest)) {
            failures += execute(rest) ? 0 : 1; // the last statement of a script may omit its ';'
        }
        out.flush();
        return failures;
    }

    /** The interactive prompt on a terminal: history, completion, multi-line statements, Ctrl-C cancels a query. */
    int runInteractive(Terminal screen, Path historyFile) {
        List<String> words = new ArrayList<>(SqlKeywords.KEYWORDS);
        words.addAll(SqlKeywords.DOT_COMMANDS);
        try {
            for (java.util.Map.Entry<String, List<MallardSqlClient.Column>> table : client.columns().entrySet()) {
                words.add(table.getKey());
                table.getValue().forEach(c -> words.add(c.name()));
            }
        } catch (MallardException e) {
            // completion of table and column names is a convenience
        }
        LineReader reader = LineReaderBuilder.builder().terminal(screen).appName("mallard")
                .parser(new SqlLineParser())
                .completer(new AggregateCompleter(new StringsCompleter(words)))
                .history(new MaskingHistory()) // no password of a user statement in ~/.mallard_history
                .variable(LineReader.HISTORY_FILE, historyFile)
                .variable(LineReader.SECONDARY_PROMPT_PATTERN, "    ...> ")
                .option(LineReader.Option.CASE_INSENSITIVE, true)
                .option(LineReader.Option.DISABLE_EVENT_EXPANSION, true)
                .build();
        int failures = 0;
        StatementSplitter splitter = new StatementSplitter();
        while (!quit) {
            String line;
            try {
                line = reader.readLine("mallard> ");
            } catch (UserInterruptException e) {
                splitter.clear();
                continue;
            } catch (EndOfFileException e) {
                break;
            }
            Terminal.SignalHandler previous = screen.handle(Terminal.Signal.INT, signal -> client.cancel());
            try {
                failures += runLine(splitter, line);
            } finally {
                screen.handle(Terminal.Signal.INT, previous);
            }
        }
        return failures;
    }

    private int runLine(StatementSplitter splitter, String line) {
        if (splitter.remainder().isEmpty() && line.strip().startsWith(".")) {
            return dotCommand(line.strip()) ? 0 : 1;
        }
        int failures = 0;
        for (String statement : splitter.add(line + "\n")) {
            failures += execute(statement) ? 0 : 1;
        }
        return failures;
    }

    boolean quitRequested() {
        return quit;
    }

    /** Runs one statement (without its ';') and prints its result; false if it failed. */
    boolean execute(String statement) {
        long start = System.nanoTime();
        try {
            QueryRows rows;
            if (terminal) {
                ProgressLine progress = ProgressLine.start(out, client::progress);
                try {
                    rows = client.query(statement);
                } finally {
                    progress.close();
                }
            } else {
                rows = client.query(statement);
            }
            print(rows);
            for (String warning : rows.warnings()) {
                err.println("warning: " + warning); // a partial answer says what it lacks, never silently
            }
            return true;
        } catch (MallardException e) {
            err.println("error: " + e.describe());
            return false;
        } finally {
            if (timer) {
                out.printf("Run Time: %.3f s%n", (System.nanoTime() - start) / 1e9);
            }
            out.flush();
            err.flush();
        }
    }

    private void print(QueryRows rows) {
        if (rows.columns().isEmpty()) {
            return; // SET and friends
        }
        switch (format) {
            case BOX -> TablePrinter.print(rows, maxRows, width.getAsInt(), nullValue == null ? "NULL" : nullValue, results);
            case CSV -> TextFormats.csv(rows, headers, nullValue == null ? "" : nullValue, results);
            case JSON -> TextFormats.json(rows, results);
            case MARKDOWN -> TextFormats.markdown(rows, nullValue == null ? "NULL" : nullValue, results);
            case LINE -> TextFormats.line(rows, nullValue == null ? "NULL" : nullValue, results);
        }
        results.flush();
        if (once) {
            output(null);
        }
    }

    /** Results go to {@code file} from now on (null: back to the screen), closing the file used before. */
    private void output(Path file) {
        if (results != out) {
            results.close();
        }
        once = false;
        if (file == null) {
            results = out;
            return;
        }
        try {
            results = new PrintWriter(java.nio.file.Files.newBufferedWriter(file, java.nio.charset.StandardCharsets.UTF_8));
        } catch (IOException e) {
            results = out;
            throw new MallardException(io.mallard.common.ErrorCode.IO_ERROR, "cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    /** Closes a file that {@code .output} opened. */
    void close() {
        output(null);
    }

    /** Runs a dot-command; false if it failed or is unknown. */
    boolean dotCommand(String command) {
        String[] words = command.replaceAll(";\\s*$", "").strip().split("\\s+", 2);
        String argument = words.length > 1 ? words[1].strip() : "";
        try {
            switch (words[0].toLowerCase(Locale.ROOT)) {
                case ".quit", ".exit" -> quit = true;
                case ".help" -> out.println(HELP);
                case ".explain" -> {
                    if (argument.isEmpty()) {
                        return usage(".explain SQL");
                    }
                    out.print(client.explain(argument.replaceAll(";\\s*$", "")));
                }
                case ".workers" -> print(client.query("SELECT worker_id, name, address, state, len(trusted_shards) AS "
                        + "shards, running_tasks, last_heartbeat, version, cpus, memory_bytes FROM mallard.workers "
                        + "ORDER BY worker_id"));
                case ".shards" -> print(client.query("SELECT shard_id, files, size_bytes, replicas, state "
                        + "FROM mallard.shards ORDER BY shard_id"));
                case ".timer" -> {
                    Boolean on = onOff(argument);
                    if (on == null) {
                        return usage(".timer on|off");
                    }
                    timer = on;
                }
                case ".format", ".mode" -> format = ResultFormat.parse(argument);
                case ".tables" -> tables(argument);
                case ".schema" -> schema(argument);
                case ".read" -> {
                    if (argument.isEmpty()) {
                        return usage(".read FILE");
                    }
                    return read(Path.of(argument));
                }
                case ".output" -> output(argument.isEmpty() ? null : Path.of(argument));
                case ".once" -> {
                    if (argument.isEmpty()) {
                        return usage(".once FILE");
                    }
                    output(Path.of(argument));
                    once = true;
                }
                case ".maxrows" -> {
                    if (!argument.matches("[1-9][0-9]{0,8}")) {
                        return usage(".maxrows N (N > 0)");
                    }
                    maxRows = Integer.parseInt(argument);
                }
                case ".nullvalue" -> nullValue = argument;
                case ".headers" -> {
                    Boolean on = onOff(argument);
                    if (on == null) {
                        return usage(".headers on|off");
                    }
                    headers = on;
                }
                case ".set" -> {
                    String[] setting = argument.split("\\s+");
                    Boolean on = setting.length == 2 ? onOff(setting[1]) : null;
                    if (on == null || !setting[0].equals("distributed") && !setting[0].equals("summarize")) {
                        return usage(".set distributed|summarize on|off");
                    }
                    client.set("mallard." + setting[0], on.toString());
                    out.println("mallard." + setting[0] + " = " + on);
                }
                default -> {
                    err.println("error: unknown command " + words[0] + " (.help lists them)");
                    return false;
                }
            }
            return true;
        } catch (MallardException e) {
            err.println("error: " + e.describe());
            return false;
        } finally {
            out.flush();
            err.flush();
        }
    }

    /** The tables whose names match the LIKE pattern (all without one), in columns as DuckDB's shell lists them. */
    private void tables(String pattern) {
        java.util.regex.Pattern like = likePattern(pattern.isEmpty() ? "%" : pattern);
        List<String> names = client.tables().stream().filter(n -> like.matcher(n).matches()).sorted().toList();
        int columnWidth = names.stream().mapToInt(String::length).max().orElse(0) + 2;
        int perLine = Math.max(1, width.getAsInt() / Math.max(1, columnWidth));
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < names.size(); i++) {
            line.append(i % perLine == perLine - 1 || i == names.size() - 1 ? names.get(i)
                    : String.format(Locale.ROOT, "%-" + columnWidth + "s", names.get(i)));
            if (i % perLine == perLine - 1 || i == names.size() - 1) {
                results.println(line);
                line.setLength(0);
            }
        }
        results.flush();
    }

    /** {@code CREATE TABLE} statements for the tables named like the pattern, from the catalog's metadata. */
    private void schema(String pattern) {
        java.util.regex.Pattern like = likePattern(pattern.isEmpty() ? "%" : pattern);
        for (java.util.Map.Entry<String, List<MallardSqlClient.Column>> table : client.columns().entrySet()) {
            if (like.matcher(table.getKey()).matches()) {
                results.println("CREATE TABLE " + table.getKey() + "(" + String.join(", ", table.getValue().stream()
                        .map(c -> quoted(c.name()) + " " + c.type()).toList()) + ");");
            }
        }
        results.flush();
    }

    private static String quoted(String name) {
        return name.matches("[a-z_][a-z0-9_]*") ? name : "\"" + name.replace("\"", "\"\"") + "\"";
    }

    /** SQL LIKE ({@code %}, {@code _}), ignoring case as DuckDB's names do. */
    private static java.util.regex.Pattern likePattern(String pattern) {
        StringBuilder regex = new StringBuilder();
        for (char c : pattern.toCharArray()) {
            regex.append(c == '%' ? ".*" : c == '_' ? "." : java.util.regex.Pattern.quote(String.valueOf(c)));
        }
        return java.util.regex.Pattern.compile(regex.toString(), java.util.regex.Pattern.CASE_INSENSITIVE);
    }

    /** Runs a script file's statements and dot-commands; false if it cannot be read or any of them failed. */
    private boolean read(Path file) {
        try (BufferedReader in = java.nio.file.Files.newBufferedReader(file, java.nio.charset.StandardCharsets.UTF_8)) {
            return runScript(in) == 0;
        } catch (IOException e) {
            err.println("error: IO_ERROR: cannot read " + file + ": " + e.getMessage());
            return false;
        }
    }

    private boolean usage(String text) {
        err.println("usage: " + text);
        return false;
    }

    private static Boolean onOff(String value) {
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "on", "true" -> Boolean.TRUE;
            case "off", "false" -> Boolean.FALSE;
            default -> null;
        };
    }
}
