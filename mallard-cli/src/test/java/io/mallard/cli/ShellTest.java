package io.mallard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.mallard.client.ConnectOptions;
import io.mallard.client.MallardSqlClient;
import io.mallard.oracle.Oracle;
import io.mallard.testing.LocalCluster;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.jline.terminal.Terminal;
import org.jline.terminal.impl.DumbTerminal;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code mallard sql}: the prompt through JLine's terminal, scripts on standard input and -c, formats, exit codes. */
class ShellTest {
    private static LocalCluster cluster;
    private static Oracle oracle;
    private static MallardSqlClient client;

    @TempDir
    Path temp;

    @BeforeAll
    static void start() throws Exception {
        cluster = LocalCluster.builder().shards(1).workers(1).build();
        oracle = new Oracle(cluster.oracleFile());
        client = cluster.sqlClient();
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            cluster.assertClean();
        } finally {
            client.close();
            oracle.close();
            cluster.close();
        }
    }

    /** Every cell of every boxed table in {@code text}, stripped. */
    static List<String> cells(String text) {
        List<String> cells = new ArrayList<>();
        for (String line : text.split("\n")) {
            int first = line.indexOf('│');
            if (first < 0) {
                continue;
            }
            for (String cell : line.substring(first + 1).split("│")) {
                cells.add(cell.strip());
            }
        }
        return cells;
    }

    private static String count(String table) throws Exception {
        return oracle.query("SELECT count(*) FROM " + table).rows().get(0).get(0).toString();
    }

    @Test
    void duckDbsDotCommandsListReadRedirectAndShape(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        java.nio.file.Path script = dir.resolve("part.sql");
        java.nio.file.Files.writeString(script, "SELECT count(*) AS n FROM region;\n.bogus\n");
        java.nio.file.Path once = dir.resolve("once.csv");
        java.nio.file.Path output = dir.resolve("output.txt");
        String text = String.join("\n",
                ".tables line%",
                ".tables",
                ".schema nation",
                ".read " + script,
                ".read " + dir.resolve("missing.sql"),
                ".mode csv",
                ".headers off",
                ".nullvalue (null)",
                ".once " + once,
                "SELECT r_name, NULL AS nothing FROM region ORDER BY r_name LIMIT 2;",
                "SELECT 'back on screen' AS s;",
                ".headers on",
                ".output " + output,
                "SELECT 1 AS a;",
                "SELECT 2 AS b;",
                ".output",
                ".mode line",
                ".nullvalue NULL",
                "SELECT 1 AS a, NULL AS longer_name;",
                ".mode box",
                ".maxrows 4",
                "SELECT n_name FROM nation ORDER BY n_name;",
                ".maxrows zero");
        StringWriter out = new StringWriter();
        Shell shell = new Shell(client, new PrintWriter(out), new PrintWriter(out), ResultFormat.BOX, false, () -> 120);
        int failures = shell.runScript(new BufferedReader(new StringReader(text)));
        shell.close();
        String printed = out.toString();
        List<String> lines = printed.lines().toList();
        assertThat(lines.get(0).strip()).isEqualTo("lineitem");
        String listed = String.join(" ", lines.subList(1, lines.indexOf(lines.stream()
                .filter(l -> l.startsWith("CREATE TABLE")).findFirst().orElseThrow())));
        assertThat(listed.split("\\s+")).contains("customer", "lineitem", "nation", "region", "mallard.queries")
                .doesNotContain("CREATE");
        List<String> nationColumns = oracle.query("SELECT column_name || ' ' || column_type FROM (DESCRIBE nation)").rows()
                .stream().map(r -> (String) r.get(0)).toList();
        assertThat(printed).contains("CREATE TABLE nation(" + String.join(", ", nationColumns) + ");");
        assertThat(cells(printed)).contains(count("region"));
        assertThat(printed).contains("unknown command .bogus").contains("cannot read " + dir.resolve("missing.sql"));
        List<String> regions = oracle.query("SELECT r_name FROM region ORDER BY r_name LIMIT 2").rows().stream()
                .map(r -> r.get(0) + ",(null)").toList();
        assertThat(java.nio.file.Files.readAllLines(once)).isEqualTo(regions);
        assertThat(printed).contains("back on screen").doesNotContain(regions.get(0));
        assertThat(java.nio.file.Files.readAllLines(output)).containsExactly("a", "1", "b", "2");
        assertThat(printed).contains("          a = 1\nlonger_name = NULL");
        assertThat(printed).contains("25 rows (4 shown)");
        assertThat(failures).isEqualTo(3); // the script (its .bogus), the missing file, .maxrows zero
    }

    @Test
    void scriptRunsStatementsAndDotCommandsAndCountsFailures() throws Exception {
        String script = String.join("\n",
                "SELECT count(*)",
                "  FROM measurements;",
                "SELECT 'a;b' AS s; SELECT count(*) AS n FROM nation;",
                ".explain SELECT count(*) FROM lineitem",
                "SELEC 1;",
                ".workers",
                ".shards",
                ".set distributed off",
                "SELECT count(*) FROM lineitem;",
                ".set distributed on",
                ".bogus",
                ".quit",
                "SELECT 'never reached';");
        StringWriter out = new StringWriter();
        Shell shell = new Shell(client, new PrintWriter(out), new PrintWriter(out), ResultFormat.BOX, false, () -> 120);
        int failures = shell.runScript(new BufferedReader(new StringReader(script)));
        String text = out.toString();
        assertThat(cells(text)).contains(count("measurements"), "bigint", "a;b", count("nation"), "1 row");
        assertThat(text).contains("PUSHDOWN_AGG").contains("worker:").contains("combine:");
        assertThat(text).contains("error: SYNTAX_ERROR");
        assertThat(text).contains("worker-1").contains("trusted").contains("shard-000").contains("served");
        assertThat(text).contains("mallard.distributed = false").contains("error: INVALID_ARGUMENT: mallard.distributed is off");
        assertThat(text).contains("unknown command .bogus");
        assertThat(text).doesNotContain("never reached");
        assertThat(failures).isEqualTo(3);
    }

    @Test
    void promptOnATerminalTakesMultiLineStatementsKeepsHistoryAndTimes() throws Exception {
        String typed = String.join("\n",
                "SELECT n_name,",
                "       n_regionkey",
                "  FROM nation ORDER BY n_name LIMIT 3;",
                ".timer on",
                "SELECT count(*) AS n FROM lineitem;",
                ".help",
                ".quit") + "\n";
        ByteArrayOutputStream screen = new ByteArrayOutputStream();
        Path history = temp.resolve("history");
        try (Terminal terminal = new DumbTerminal("test", "dumb", new ByteArrayInputStream(typed.getBytes(StandardCharsets.UTF_8)),
                screen, StandardCharsets.UTF_8)) {
            ConnectOptions options = ConnectOptions.tls("127.0.0.1", cluster.coordinator().port(), "admin",
                    cluster.adminPassword(), cluster.caCertificate());
            int failures = SqlCommand.interactive(client, terminal, ResultFormat.BOX, history, options);
            assertThat(failures).isZero();
        }
        String text = screen.toString(StandardCharsets.UTF_8);
        // a dumb terminal does not redraw, so the continuation prompt is not on screen; the statement still ran whole
        assertThat(text).contains("mallard> ");
        assertThat(cells(text)).contains("n_name", "varchar", "3 rows", count("lineitem"));
        for (List<Object> row : oracle.query("SELECT n_name FROM nation ORDER BY n_name LIMIT 3").rows()) {
            assertThat(cells(text)).contains(row.get(0).toString());
        }
        assertThat(text).contains("Run Time: ");
        assertThat(text).contains(".explain SQL");
        assertThat(Files.readString(history)).contains("FROM nation ORDER BY n_name LIMIT 3;").contains(".timer on");
    }

    private record Run(int exit, String out, String err) {
    }

    private Run sql(InputStream stdin, String... args) {
        PrintStream originalOut = System.out;
        PrintStream originalErr = System.err;
        InputStream originalIn = System.in;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        List<String> all = new ArrayList<>(List.of("sql", "--port", Integer.toString(cluster.coordinator().port()),
                "--ca", cluster.caCertificate().toString(), "--config", emptyConfig().toString()));
        if (!List.of(args).contains("--password")) {
            all.addAll(List.of("--password", cluster.adminPassword()));
        }
        all.addAll(List.of(args));
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            System.setIn(stdin);
            int exit = Main.commandLine().execute(all.toArray(String[]::new));
            return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(originalOut);
            System.setErr(originalErr);
            System.setIn(originalIn);
        }
    }

    private Path emptyConfig() {
        try {
            Path file = temp.resolve("config.properties");
            if (!Files.exists(file)) {
                Files.writeString(file, "# nothing: everything comes from the command line\n");
            }
            return file;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static InputStream none() {
        return new ByteArrayInputStream(new byte[0]);
    }

    @Test
    void dashCAndStandardInputRunScriptsAndExitNonZeroOnError() throws Exception {
        Run csv = sql(none(), "--format", "csv", "-c", "SELECT n_nationkey, n_name FROM nation ORDER BY n_nationkey LIMIT 2");
        assertThat(csv.exit()).as(csv.err()).isZero();
        List<List<Object>> nations = oracle.query("SELECT n_nationkey, n_name FROM nation ORDER BY n_nationkey LIMIT 2").rows();
        assertThat(csv.out()).isEqualTo("n_nationkey,n_name\n" + nations.get(0).get(0) + "," + nations.get(0).get(1) + "\n"
                + nations.get(1).get(0) + "," + nations.get(1).get(1) + "\n");

        Run json = sql(none(), "--format", "json", "-c", "SELECT 1 AS a, 'x' AS b; SELECT 2 AS a");
        assertThat(json.exit()).isZero();
        assertThat(json.out()).isEqualTo("[{\"a\":1,\"b\":\"x\"}]\n[{\"a\":2}]\n");

        Run markdown = sql(none(), "--format", "markdown", "-c", "SELECT 'p|q' AS v");
        assertThat(markdown.out()).isEqualTo("| v |\n|---|\n| p\\|q |\n");

        Run failing = sql(none(), "-c", "SELECT 1; SELECT * FROM no_such_table; SELECT 3");
        assertThat(failing.exit()).isEqualTo(1);
        assertThat(failing.err()).contains("error: TABLE_NOT_FOUND").contains("no_such_table");
        assertThat(cells(failing.out())).contains("3");

        String script = "SELECT count(*) AS n\n  FROM region;\n.set summarize off\n.set summarize on\nSELECT 42 AS answer\n";
        Run stdin = sql(new ByteArrayInputStream(script.getBytes(StandardCharsets.UTF_8)), "--format", "csv");
        assertThat(stdin.exit()).as(stdin.err()).isZero();
        assertThat(stdin.out()).contains("n\n" + count("region") + "\n").contains("mallard.summarize = false").endsWith("answer\n42\n");

        Run wrongPassword = sql(none(), "--password", "nope", "-c", "SELECT 1");
        assertThat(wrongPassword.exit()).isEqualTo(1);
        assertThat(wrongPassword.err()).contains("error: AUTHENTICATION_FAILED: wrong user name or password");
    }
}
