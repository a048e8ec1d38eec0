package io.mallard.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mallard.client.ConnectOptions;
import io.mallard.client.MallardSqlClient;
import io.mallard.common.ErrorCode;
import io.mallard.common.MallardException;
import io.mallard.coordinator.ClusterLayout;
import io.mallard.worker.Worker;
import io.mallard.worker.WorkerConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code mallard coordinator --log-format json} as an operator runs it: every log line is a JSON object with its time,
 * and refused logins and join tokens are logged at WARN without the secret that was tried.
 */
class ServerLogsTest {
    private static final String WRONG_PASSWORD = "not-the-password-7f3a";
    private static final String WRONG_TOKEN = "not-the-join-token-91c2";

    @TempDir
    Path dir;

    @Test
    void jsonLogsCarryTheTimeAndRefusalsAreWarningsWithoutSecrets() throws Exception {
        Path cluster = dir.resolve("cluster");
        assertThat(Main.commandLine().execute("bootstrap", "--dir", cluster.toString(), "--sf", "0.001", "--rows",
                "100", "--shards", "1")).isZero();
        int port = MallardProcess.freePort();
        Path stderr = dir.resolve("coordinator.err");
        try (MallardProcess coordinator = MallardProcess.start(List.of("-Xmx512m"), List.of("coordinator", "--dir",
                cluster.toString(), "--port", Integer.toString(port), "--http-port", "0", "--log-format", "json",
                "--exit-with-parent", Long.toString(ProcessHandle.current().pid())), Map.of(), stderr.toFile(),
                "web page (SQL and cluster; log in as a Mallard user) at https://127.0.0.1:")) {
            assertThat(coordinator.awaitUp()).as("the coordinator printed its web address: %s", coordinator.output())
                    .isTrue();
            ClusterLayout layout = new ClusterLayout(cluster);
            MallardException wrong = catchThrowableOfType(MallardException.class, () -> MallardSqlClient.connect(
                    ConnectOptions.tls("127.0.0.1", port, "admin", WRONG_PASSWORD, layout.caCertificate())));
            assertThat(wrong.code()).isEqualTo(ErrorCode.AUTHENTICATION_FAILED);
            MallardException missing = catchThrowableOfType(MallardException.class, () -> MallardSqlClient.connect(
                    ConnectOptions.tls("127.0.0.1", port, "admin", null, layout.caCertificate())));
            assertThat(missing.getMessage()).isEqualTo("no password given for user 'admin'");
            MallardException token = catchThrowableOfType(MallardException.class, () -> Worker.start(new WorkerConfig(
                    "127.0.0.1", port, layout.caCertificate(), WRONG_TOKEN, "intruder", dir.resolve("intruder"), 1, 0,
                    false)));
            assertThat(token.code()).isEqualTo(ErrorCode.AUTHENTICATION_FAILED);
        } // closing sends SIGTERM: the shutdown hook closes the coordinator
        List<String> lines = Files.readAllLines(stderr, StandardCharsets.UTF_8);
        ObjectMapper json = new ObjectMapper();
        List<JsonNode> events = new ArrayList<>();
        for (String line : lines) {
            JsonNode event = json.readTree(line); // every line is one JSON object
            OffsetDateTime.parse(event.get("time").asText(), DateTimeFormatter.ISO_OFFSET_DATE_TIME);
            assertThat(event.get("level").asText()).isIn("TRACE", "DEBUG", "INFO", "WARN", "ERROR");
            events.add(event);
        }
        assertThat(events).anyMatch(e -> e.get("level").asText().equals("INFO")
                && e.get("message").asText().startsWith("coordinator listening on"));
        assertThat(warnings(events)).anyMatch(m -> m.startsWith("refused a login as 'admin'")
                && m.endsWith(": wrong user name or password"));
        assertThat(warnings(events)).anyMatch(m -> m.startsWith("refused a login as 'admin'")
                && m.endsWith(": no password given"));
        assertThat(warnings(events)).anyMatch(m -> m.startsWith("refused worker intruder (pid ")
                && m.contains(" from 127.0.0.1:")
                && m.endsWith(": invalid join token"));
        assertThat(String.join("\n", lines)).doesNotContain(WRONG_PASSWORD).doesNotContain(WRONG_TOKEN);
    }

    private static List<String> warnings(List<JsonNode> events) {
        return events.stream().filter(e -> e.get("level").asText().equals("WARN"))
                .map(e -> e.get("message").asText()).toList();
    }
}
