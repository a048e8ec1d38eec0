package io.mallard.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.mallard.client.MallardSqlClient;
import io.mallard.common.ErrorCode;
import io.mallard.common.MallardException;
import io.mallard.testing.LocalCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code mallard user add|passwd|remove|list} run in this JVM against a cluster without workers (the generated
 * {@code nation} and {@code region} tables are replicated, so the coordinator answers over them alone): each command
 * changes what the user can do, and each is refused for a non-admin and for a name that is not one.
 */
class UserCommandTest {
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
    void addPasswdRemoveAndListChangeWhoCanDoWhat() throws Exception {
        CliRun added = user("admin", cluster.adminPassword(), "add", "alice", "--role", "reader", "--new-password", "alice-1");
        assertThat(added.exit()).as(added.err()).isZero();
        assertThat(added.out()).contains("user alice created with the reader role");
        assertThat(count("alice", "alice-1", "SELECT count(*) FROM region")).isEqualTo(5L);

        CliRun granted = user("admin", cluster.adminPassword(), "add", "bob", "--grant", "nation", "--new-password", "bob-1");
        assertThat(granted.exit()).as(granted.err()).isZero();
        assertThat(count("bob", "bob-1", "SELECT count(*) FROM nation")).isEqualTo(25L);
        assertThat(refusal("bob", "bob-1", "SELECT count(*) FROM region").code()).isEqualTo(ErrorCode.PERMISSION_DENIED);

        CliRun list = user("admin", cluster.adminPassword(), "list");
        assertThat(list.exit()).as(list.err()).isZero();
        assertThat(list.out()).containsPattern("admin\\s+admin\\s+-").containsPattern("alice\\s+reader\\s+-")
                .containsPattern("bob\\s+none\\s+nation");

        CliRun passwd = user("admin", cluster.adminPassword(), "passwd", "alice", "--new-password", "alice-2");
        assertThat(passwd.exit()).as(passwd.err()).isZero();
        assertThat(refusal("alice", "alice-1", "SELECT 1").code()).isEqualTo(ErrorCode.AUTHENTICATION_FAILED);
        assertThat(count("alice", "alice-2", "SELECT count(*) FROM region")).isEqualTo(5L);

        CliRun removed = user("admin", cluster.adminPassword(), "remove", "bob");
        assertThat(removed.exit()).as(removed.err()).isZero();
        assertThat(refusal("bob", "bob-1", "SELECT 1").code()).isEqualTo(ErrorCode.AUTHENTICATION_FAILED);
        assertThat(user("admin", cluster.adminPassword(), "list").out()).doesNotContain("bob");
    }

    @Test
    void aNonAdminOrANameThatIsNoNameIsRefused() throws Exception {
        CliRun setup = user("admin", cluster.adminPassword(), "add", "carl", "--role", "writer", "--new-password", "carl-1");
        assertThat(setup.exit()).as(setup.err()).isZero();
        CliRun byWriter = user("carl", "carl-1", "add", "mallory", "--role", "admin", "--new-password", "m-1");
        assertThat(byWriter.exit()).isEqualTo(1);
        assertThat(byWriter.err()).contains("PERMISSION_DENIED", "CREATE USER needs the admin role");
        assertThat(user("carl", "carl-1", "list").err()).contains("PERMISSION_DENIED", "mallard.users");
        CliRun own = user("carl", "carl-1", "passwd", "carl", "--new-password", "carl-2");
        assertThat(own.exit()).as("a user may change its own password: " + own.err()).isZero();

        CliRun injected = user("admin", cluster.adminPassword(), "add", "x; DROP TABLE nation", "--new-password", "x-1");
        assertThat(injected.exit()).isEqualTo(1);
        assertThat(injected.err()).contains("is not a name");
        assertThat(count("admin", cluster.adminPassword(), "SELECT count(*) FROM nation")).isEqualTo(25L);
    }

    private static long count(String user, String password, String sql) {
        try (MallardSqlClient client = cluster.sqlClient(user, password)) {
            return ((Number) client.query(sql).rows().get(0).get(0)).longValue();
        }
    }

    private static MallardException refusal(String user, String password, String sql) {
        return catchThrowableOfType(MallardException.class, () -> count(user, password, sql));
    }


    private static CliRun user(String user, String password, String... args) throws Exception {
        Path config = dir.resolve("config.properties");
        if (!Files.exists(config)) {
            Files.writeString(config, "");
        }
        List<String> all = new ArrayList<>(List.of("user", args[0], "--host", "127.0.0.1", "--port",
                Integer.toString(cluster.coordinator().port()), "--ca", cluster.caCertificate().toString(),
                "--user", user, "--password", password, "--config", config.toString()));
        all.addAll(List.of(args).subList(1, args.length));
        return CliRun.of(all.toArray(String[]::new));
    }
}
