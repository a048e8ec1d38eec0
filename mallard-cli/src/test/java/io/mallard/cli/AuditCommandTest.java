package io.mallard.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.mallard.client.MallardSqlClient;
import io.mallard.common.ErrorCode;
import io.mallard.common.MallardException;
import io.mallard.coordinator.audit.AuditLog;
import io.mallard.testing.LocalCluster;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The audit log of a real coordinator: logins that worked and failed, an admin's and a reader's statements (refusals
 * included) land in it with user, address, outcome and code, passwords masked; admins read it as {@code mallard.audit},
 * a reader is refused; {@code mallard audit verify} accepts the log as written and finds the line an edit changed.
 */
class AuditCommandTest {
    @TempDir
    static Path dir;

    private static LocalCluster cluster;

    @BeforeAll
    static void start() throws Exception {
        cluster = LocalCluster.builder().workers(0).shards(2).build();
    }

    @AfterAll
    static void stop() {
        try {
            cluster.assertClean();
        } finally {
            cluster.close();
        }
    }

    @Test
    void whatUsersDidIsAuditedReadableByAdminsAndVerifiable() throws Exception {
        try (MallardSqlClient admin = cluster.sqlClient()) {
            admin.query("CREATE USER rita WITH PASSWORD 'rita-first-secret'");
            admin.query("GRANT reader TO rita");
        }
        MallardException wrong = catchThrowableOfType(MallardException.class,
                () -> cluster.sqlClient("rita", "not-her-password").close());
        assertThat(wrong.code()).isEqualTo(ErrorCode.AUTHENTICATION_FAILED);
        try (MallardSqlClient rita = cluster.sqlClient("rita", "rita-first-secret")) {
            assertThat(rita.query("SELECT count(*) FROM region").rows()).isEqualTo(List.of(List.of(5L)));
            MallardException create = catchThrowableOfType(MallardException.class,
                    () -> rita.query("CREATE TABLE audit_t (x INTEGER)"));
            assertThat(create.code()).isEqualTo(ErrorCode.PERMISSION_DENIED);
            MallardException audit = catchThrowableOfType(MallardException.class,
                    () -> rita.query("SELECT * FROM mallard.audit"));
            assertThat(audit.code()).isEqualTo(ErrorCode.PERMISSION_DENIED);
            assertThat(audit.getMessage()).contains("mallard.audit");
        }
        try (MallardSqlClient admin = cluster.sqlClient()) {
            admin.query("ALTER USER rita WITH PASSWORD 'rita-second-secret'");
            List<List<Object>> rows = admin.query("SELECT event, user_name, outcome, error_code, statement, "
                    + "source LIKE '127.0.0.1:%', seq FROM mallard.audit WHERE user_name = 'rita' OR statement LIKE "
                    + "'%rita%' ORDER BY seq").rows();
            List<List<Object>> shapes = rows.stream().map(r -> r.subList(0, 6)).toList();
            assertThat(shapes).containsSubsequence(
                    row("users", "admin", "ok", null, "CREATE USER rita WITH PASSWORD '***'"),
                    row("users", "admin", "ok", null, "GRANT reader TO rita"),
                    row("login", "rita", "refused", "AUTHENTICATION_FAILED", null),
                    row("login", "rita", "ok", null, null),
                    row("statement", "rita", "ok", null, "SELECT count(*) FROM region"),
                    row("statement", "rita", "failed", "PERMISSION_DENIED", "CREATE TABLE audit_t (x INTEGER)"),
                    row("statement", "rita", "failed", "PERMISSION_DENIED", "SELECT * FROM mallard.audit"),
                    row("users", "admin", "ok", null, "ALTER USER rita WITH PASSWORD '***'"));
            assertThat(admin.query("SELECT count(*) FROM mallard.audit WHERE prev IS NULL OR hash IS NULL").rows())
                    .isEqualTo(List.of(List.of(0L)));
        }

        Path log = AuditLog.besideMetadata(cluster.coordinator().config().metadataFile());
        String text = Files.readString(log);
        assertThat(text).doesNotContain("rita-first-secret", "rita-second-secret", "not-her-password",
                cluster.adminPassword());
        CliRun verified = run("audit", "verify", "--file", log.toString());
        assertThat(verified.exit()).as(verified.err()).isZero();
        assertThat(verified.out()).contains("chain intact");

        List<String> lines = new ArrayList<>(Files.readAllLines(log, StandardCharsets.UTF_8));
        int edited = -1;
        for (int i = 0; i < lines.size() && edited < 0; i++) {
            if (lines.get(i).contains("\"CREATE TABLE audit_t (x INTEGER)\"")) {
                lines.set(i, lines.get(i).replace("\"outcome\":\"failed\"", "\"outcome\":\"ok\""));
                edited = i + 1;
            }
        }
        assertThat(edited).as("the refused CREATE TABLE is in the log").isPositive();
        Files.write(log, lines, StandardCharsets.UTF_8);
        CliRun tampered = run("audit", "verify", "--file", log.toString());
        assertThat(tampered.exit()).isEqualTo(1);
        assertThat(tampered.err()).contains("line " + edited + ":", "hash does not match");

        CliRun missing = run("audit", "verify", "--dir", dir.toString());
        assertThat(missing.exit()).isEqualTo(1);
        assertThat(missing.err()).contains("no audit log at " + dir.resolve("audit").resolve("audit.log"));
    }

    private static List<Object> row(String event, String user, String outcome, String code, String statement) {
        List<Object> row = new ArrayList<>(java.util.Arrays.asList(event, user, outcome, code, statement));
        row.add(true);
        return row;
    }


    private static CliRun run(String... args) {
        return CliRun.of(args);
    }
}
