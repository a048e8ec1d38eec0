package io.mallard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.mallard.protocol.client.MallardClient;
import io.mallard.testing.LocalCluster;
import io.mallard.testing.Oracle;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The minimal prompt, driven through its script path: multi-line statements, dot-commands, errors counted. */
class ShellTest {
    @Test
    void runsStatementsAndDotCommandsAndCountsFailures() throws Exception {
        try (LocalCluster cluster = LocalCluster.builder().shards(1).workers(1).build();
                MallardClient client = cluster.client();
                Oracle oracle = new Oracle(cluster.oracleFile())) {
            String script = String.join("\n",
                    "SELECT count(*)",
                    "  FROM measurements;",
                    ".explain SELECT count(*) FROM lineitem",
                    "SELEC 1;",
                    ".workers",
                    ".quit",
                    "SELECT 'never reached';");
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            int failures = Shell.run(client, new BufferedReader(new StringReader(script)),
                    new PrintStream(bytes, true, StandardCharsets.UTF_8), false);
            String out = bytes.toString(StandardCharsets.UTF_8);
            Object expected = oracle.query("SELECT count(*) FROM measurements").rows().get(0).get(0);
            assertThat(out).contains("| " + expected + " ").contains("1 row");
            assertThat(out).contains("strategy: PUSHDOWN_AGG").contains("worker:").contains("combine:");
            assertThat(out).contains("error: SYNTAX_ERROR");
            assertThat(out).contains("trusted");
            assertThat(out).doesNotContain("never reached");
            assertThat(failures).isEqualTo(1);
            cluster.assertClean();
        }
    }
}
