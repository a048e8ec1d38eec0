package io.mallard.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.mallard.client.MallardSqlClient;
import io.mallard.common.ErrorCode;
import io.mallard.common.MallardException;
import io.mallard.common.rows.QueryRows;
import io.mallard.coordinator.CoordinatorConfig;
import io.mallard.coordinator.security.ClientLimits;
import io.mallard.data.queries.DemoQueries;
import io.mallard.oracle.Oracle;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The limits that keep one client from hurting the others (issue 18, section 5), each next to what still works: the
 * reader role runs one statement at a time, the writer role's statements stop after 500 ms whatever their session
 * asks, three failed logins lock a user name out, and a 10 MB statement or a 10,000-deep expression is refused with a
 * clear error and leaves the coordinator serving (an 850-deep one used to crash it: see {@code DuckLockdown}). One slow worker (every task waits 2.5 s) keeps a distributed query
 * running long enough to be seen.
 */
class ClientLimitsTest {
    private static final String SLOW = DemoQueries.Q1.sql();
    private static final String QUICK = "SELECT count(*) FROM region";
    private static LocalCluster cluster;

    @BeforeAll
    static void start() throws Exception {
        ClientLimits limits = ClientLimits.DEFAULTS
                .withRoles(ClientLimits.parseRoles(List.of("reader:queries=1", "writer:timeout=500ms")))
                .withLogins(new ClientLimits.LoginPolicy(3, 1_000, 60_000, 60_000));
        cluster = LocalCluster.builder().workers(0).shards(4)
                .auth(CoordinatorConfig.Auth.DEFAULTS.withClients(limits)).build();
        cluster.addWorker(false, 2_500);
        cluster.awaitTrustedWorkers(1, 120_000);
        try (MallardSqlClient admin = cluster.sqlClient()) {
            for (String user : List.of("rita", "rudi", "walt", "bob", "alice")) {
                admin.query("CREATE USER " + user + " WITH PASSWORD '" + user + "-pw'");
            }
            admin.query("GRANT reader TO rita");
            admin.query("GRANT reader TO rudi");
            admin.query("GRANT writer TO walt");
            admin.query("GRANT reader TO alice");
            admin.query("GRANT reader TO bob");
        }
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void aRoleBeyondItsConcurrentStatementsIsRefusedWhileOthersRun() throws Exception {
        try (MallardSqlClient rita = client("rita"); MallardSqlClient rudi = client("rudi");
                MallardSqlClient admin = cluster.sqlClient(); Oracle oracle = new Oracle(cluster.oracleFile())) {
            CompletableFuture<QueryRows> running = CompletableFuture.supplyAsync(() -> rita.query(SLOW));
            cluster.await("rita's query to run", 30_000, () -> ((Number) admin.query("SELECT count(*) FROM "
                    + "mallard.queries WHERE user_name = 'rita' AND status = 'running'").rows().get(0).get(0))
                    .longValue() == 1);
            MallardException refused = catchThrowableOfType(MallardException.class, () -> rudi.query(QUICK));
            assertThat(refused).as("the second reader statement must be refused").isNotNull();
            assertThat(refused.code()).as(refused.getMessage()).isEqualTo(ErrorCode.LIMIT_EXCEEDED);
            assertThat(refused.getMessage()).contains("reader role may run 1 statement", "--role-limits");
            assertThat(admin.query(QUICK).rows()).as("another role is not held back").isEqualTo(List.of(List.of(5L)));
            assertThat(oracle.difference(SLOW, running.get(90, TimeUnit.SECONDS))).isEmpty();
            assertThat(rudi.query(QUICK).rows()).as("its place is free again").isEqualTo(List.of(List.of(5L)));
        }
        cluster.assertClean();
    }

    @Test
    void aRoleTimeoutCapsWhatItsSessionAsksForAndSparesOtherRoles() throws Exception {
        try (MallardSqlClient walt = client("walt"); MallardSqlClient admin = cluster.sqlClient();
                Oracle oracle = new Oracle(cluster.oracleFile())) {
            walt.query("SET mallard.query_timeout = '60s'");
            MallardException e = catchThrowableOfType(MallardException.class, () -> walt.query(SLOW));
            assertThat(e).as("the writer's query must time out").isNotNull();
            assertThat(e.code()).as(e.getMessage()).isEqualTo(ErrorCode.TIMEOUT);
            assertThat(e.getMessage()).contains("500 ms", "--role-limits");
            assertThat(walt.query(QUICK).rows()).isEqualTo(List.of(List.of(5L)));
            admin.query("SET mallard.query_timeout = '60s'");
            assertThat(oracle.difference(SLOW, admin.query(SLOW))).isEmpty();
        }
        cluster.assertClean();
    }

    @Test
    void aLoginFloodLocksTheNameOutWhileAnotherUserLogsIn() {
        for (int i = 0; i < 3; i++) {
            MallardException wrong = catchThrowableOfType(MallardException.class,
                    () -> cluster.sqlClient("bob", "guess-" + Math.random()).close());
            assertThat(wrong.code()).as(wrong.getMessage()).isEqualTo(ErrorCode.AUTHENTICATION_FAILED);
        }
        MallardException locked = catchThrowableOfType(MallardException.class,
                () -> cluster.sqlClient("bob", "bob-pw").close());
        assertThat(locked).as("even the right password is refused while locked out").isNotNull();
        assertThat(locked.code()).as(locked.getMessage()).isEqualTo(ErrorCode.LIMIT_EXCEEDED);
        assertThat(locked.getMessage()).contains("too many failed logins for user bob", "--login-lockout");
        try (MallardSqlClient alice = client("alice")) {
            assertThat(alice.query(QUICK).rows()).isEqualTo(List.of(List.of(5L)));
        }
    }

    @Test
    void aHugeStatementAndADeepExpressionGetClearErrorsAndTheCoordinatorServesOn() {
        try (MallardSqlClient admin = cluster.sqlClient()) {
            String huge = "SELECT '" + "x".repeat(10 << 20) + "' AS big";
            MallardException tooBig = catchThrowableOfType(MallardException.class, () -> admin.query(huge));
            assertThat(tooBig).isNotNull();
            assertThat(tooBig.code()).as(tooBig.getMessage()).isEqualTo(ErrorCode.LIMIT_EXCEEDED);
            assertThat(tooBig.getMessage()).contains("10485776 bytes", "--max-sql-bytes");
            assertThat(admin.query(QUICK).rows()).isEqualTo(List.of(List.of(5L)));

            for (String deep : List.of("SELECT " + "(".repeat(10_000) + "1" + ")".repeat(10_000),
                    "SELECT 1" + " + 1".repeat(10_000), "SELECT " + "NOT ".repeat(10_000) + "true")) {
                MallardException tooDeep = catchThrowableOfType(MallardException.class, () -> admin.query(deep));
                assertThat(tooDeep).as(deep.substring(0, 20)).isNotNull();
                assertThat(tooDeep.code().type()).as(tooDeep.getMessage()).isNotEqualTo(io.mallard.common.ErrorType.INTERNAL);
                assertThat(tooDeep.code()).as(tooDeep.getMessage()).isEqualTo(ErrorCode.SYNTAX_ERROR);
                assertThat(tooDeep.getMessage()).contains("Max expression depth limit of 250 exceeded");
                assertThat(admin.query(QUICK).rows()).isEqualTo(List.of(List.of(5L)));
            }
            // just below the limit, the deepest expressions run, on the coordinator and on the workers
            assertThat(admin.query("SELECT 1" + " + 1".repeat(240)).rows()).isEqualTo(List.of(List.of(241L)));
            assertThat(admin.query("SELECT count(*) FROM lineitem WHERE " + "NOT ".repeat(241) + "l_quantity < 0")
                    .rows()).isEqualTo(admin.query("SELECT count(*) FROM lineitem").rows());
            assertThat(((Number) admin.query("SELECT " + "abs(".repeat(240) + "1" + ")".repeat(240)).rows().get(0)
                    .get(0)).longValue()).isEqualTo(1L);
            assertThat(((Number) admin.query("SELECT " + "CASE WHEN true THEN ".repeat(240) + "1" + " END".repeat(240))
                    .rows().get(0).get(0)).longValue()).isEqualTo(1L);
            MallardException nested = catchThrowableOfType(MallardException.class,
                    () -> admin.query("SELECT " + "(SELECT ".repeat(240) + "1" + ")".repeat(240)));
            assertThat(nested.getMessage()).as("sub-queries count several levels each").contains("depth limit of 250");
            // 400 sub-queries in FROM: DuckDB's binder refuses them where it binds first; where Mallard parses first
            // (a statement over system tables), the parse tree is deeper than Jackson reads
            MallardException bound = catchThrowableOfType(MallardException.class, () -> admin.query(
                    "SELECT count(*) FROM " + "(SELECT * FROM ".repeat(400) + "region" + ")".repeat(400)));
            assertThat(bound.code()).as(bound.getMessage()).isEqualTo(ErrorCode.BINDER_ERROR);
            assertThat(bound.getMessage()).contains("depth limit of 250");
            MallardException parsed = catchThrowableOfType(MallardException.class, () -> admin.query(
                    "SELECT count(*) FROM " + "(SELECT * FROM ".repeat(400) + "mallard.tables" + ")".repeat(400)));
            assertThat(parsed.code()).as(parsed.getMessage()).isEqualTo(ErrorCode.LIMIT_EXCEEDED);
            assertThat(parsed.getMessage()).contains("nests too deeply", "1000 levels");
            assertThat(admin.query(QUICK).rows()).isEqualTo(List.of(List.of(5L)));
            List<List<Object>> history = admin.query("SELECT length(sql) < 2000, error_code FROM mallard.queries "
                    + "WHERE error_code = 'LIMIT_EXCEEDED' AND user_name = 'admin'").rows();
            assertThat(history).as("the refused text is kept short").contains(List.of(true, "LIMIT_EXCEEDED"));
        }
    }

    private static MallardSqlClient client(String user) {
        return cluster.sqlClient(user, user + "-pw");
    }
}
