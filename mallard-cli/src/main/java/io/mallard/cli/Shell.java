package io.mallard.cli;

import io.mallard.common.MallardException;
import io.mallard.protocol.Messages;
import io.mallard.protocol.client.MallardClient;
import io.mallard.protocol.client.QueryRows;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintStream;

/** A minimal SQL prompt: statements end with ';'; {@code .explain SQL}, {@code .workers}, {@code .quit}. */
final class Shell {
    private Shell() {
    }

    /** Runs statements from {@code in}; returns the number of statements that failed. */
    static int run(MallardClient client, BufferedReader in, PrintStream out, boolean prompt) throws IOException {
        int failures = 0;
        StringBuilder statement = new StringBuilder();
        while (true) {
            if (prompt) {
                out.print(statement.isEmpty() ? "mallard> " : "    ...> ");
                out.flush();
            }
            String line = in.readLine();
            if (line == null) {
                return failures;
            }
            String trimmed = line.strip();
            if (statement.isEmpty() && trimmed.startsWith(".")) {
                if (trimmed.equals(".quit") || trimmed.equals(".exit")) {
                    return failures;
                }
                failures += dotCommand(client, trimmed, out) ? 0 : 1;
                continue;
            }
            statement.append(line).append('\n');
            if (trimmed.endsWith(";")) {
                String sql = statement.toString().strip();
                statement.setLength(0);
                failures += execute(client, sql.substring(0, sql.length() - 1), out) ? 0 : 1;
            }
        }
    }

    static boolean execute(MallardClient client, String sql, PrintStream out) {
        try {
            long start = System.nanoTime();
            QueryRows rows = client.query(sql);
            TablePrinter.print(rows, 40, out);
            out.printf("(%.1f ms)%n", (System.nanoTime() - start) / 1e6);
            return true;
        } catch (MallardException e) {
            out.println("error: " + e.describe());
            return false;
        }
    }

    private static boolean dotCommand(MallardClient client, String command, PrintStream out) {
        try {
            if (command.startsWith(".explain ")) {
                out.print(client.explain(command.substring(".explain ".length()).replaceAll(";\\s*$", "")).text());
            } else if (command.startsWith(".set ")) {
                String[] parts = command.substring(".set ".length()).trim().split("\\s+");
                if (parts.length != 2) {
                    out.println("usage: .set distributed|summarize on|off");
                    return false;
                }
                client.applySetting("SET mallard." + parts[0] + " = " + parts[1]);
                out.println("mallard." + parts[0] + " = " + parts[1]);
            } else if (command.equals(".workers")) {
                for (Messages.WorkerView w : client.status().workers()) {
                    out.printf("%s %-12s %-11s shards %s%n", w.id(), w.name(), w.state(), w.trusted());
                }
            } else if (command.equals(".help")) {
                out.println(".explain SQL                      show the distributed plan\n"
                        + ".set distributed|summarize on|off  run on the coordinator alone / show workers' partials\n"
                        + ".workers                          list workers\n.quit                             leave");
            } else {
                out.println("unknown command " + command + " (.help lists them)");
                return false;
            }
            return true;
        } catch (MallardException e) {
            out.println("error: " + e.describe());
            return false;
        }
    }
}
