package io.mallard.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.mallard.client.MallardSqlClient;
import io.mallard.common.rows.QueryRows;
import io.mallard.oracle.Oracle;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A seeded random sequence of INSERT, DELETE and UPDATE statements on a partitioned, a replicated and a dimension table,
 * applied to Mallard and to one DuckDB alike (sub-queries too: conditions over the replicated table or correlated on the
 * shard key, new values from the replicated table; DELETE … USING and UPDATE … FROM; the replicated and the dimension
 * table changed by conditions over the partitioned one); after every 20 statements, queries over the three tables (joins through
 * the dimension included) must answer the same on both, and every statement must report the same row count.
 */
class DifferentialDmlTest {
    private static final int STATEMENTS = 220;
    private static final long SEED = 20261206L;

    private static final String[] CREATE = {
        "CREATE TABLE f (k BIGINT, g VARCHAR, x DOUBLE, d DECIMAL(12,2), dt DATE, dk BIGINT)",
        "CREATE TABLE r (id INTEGER, name VARCHAR)",
        "CREATE TABLE dim (dk BIGINT, label VARCHAR, w INTEGER)",
    };
    /** Distribution statements: Mallard's alone (a single DuckDB has one copy of everything). */
    private static final String[] DISTRIBUTE = {
        "ALTER TABLE f SET PARTITIONED BY (k)",
        "ALTER TABLE r SET REPLICATED",
        "ALTER TABLE dim SET DIMENSION (dk) REFERENCED BY f (dk)",
    };
    private static final String[] CHECKS = {
        "SELECT * FROM f ORDER BY ALL",
        "SELECT g, count(*), sum(x), sum(d), min(dt), max(k) FROM f GROUP BY g ORDER BY g",
        "SELECT * FROM r ORDER BY ALL",
        "SELECT * FROM dim ORDER BY ALL",
        "SELECT f.g, dim.label, count(*), sum(f.d) FROM f JOIN dim ON f.dk = dim.dk GROUP BY ALL ORDER BY ALL",
        "SELECT r.name, count(*) FROM f JOIN r ON f.k % 5 = r.id GROUP BY r.name ORDER BY r.name",
        "SELECT count(*), count(DISTINCT k), sum(w) FROM f LEFT JOIN dim USING (dk)",
    };

    @Test
    void aRandomSequenceOfChangesLeavesTheSameTablesAsOneDuckDb() throws Exception {
        Random random = new Random(SEED);
        try (LocalCluster cluster = LocalCluster.builder().workers(2).shards(4).privateData(true).build();
                MallardSqlClient client = cluster.sqlClient();
                Connection duck = DriverManager.getConnection("jdbc:duckdb:");
                Oracle oracle = Oracle.over(duck)) {
            for (String ddl : CREATE) {
                client.query(ddl);
                execute(duck, ddl);
            }
            for (String ddl : DISTRIBUTE) {
                client.query(ddl);
            }
            int nextKey = 1;
            for (int i = 1; i <= STATEMENTS; i++) {
                String sql = statement(random, nextKey);
                nextKey += 10;
                long expected = execute(duck, sql);
                QueryRows answer = client.query(sql);
                assertThat(((Number) answer.rows().get(0).get(0)).longValue()).as("rows changed by statement %d: %s", i, sql)
                        .isEqualTo(expected);
                if (i % 20 == 0) {
                    for (String check : CHECKS) {
                        assertThat(oracle.difference(check, client.query(check)))
                                .as("after statement %d (%s): %s", i, sql, check).isEmpty();
                    }
                }
            }
            cluster.assertClean();
        }
    }

    private static String statement(Random random, int nextKey) {
        int kind = random.nextInt(100);
        if (kind < 25) {
            List<String> rows = new ArrayList<>();
            for (int n = 1 + random.nextInt(6); n > 0; n--) {
                rows.add(String.format(Locale.ROOT, "(%d, %s, %s, %s, %s, %s)", nextKey + n, maybe(random, "'" + "abcde".charAt(random.nextInt(5)) + "'"),
                        maybe(random, String.format(Locale.ROOT, "%.3f", random.nextDouble() * 100)),
                        String.format(Locale.ROOT, "%d.%02d", random.nextInt(1000), random.nextInt(100)),
                        "DATE '2026-01-01' + " + random.nextInt(365), maybe(random, Integer.toString(random.nextInt(8)))));
            }
            return "INSERT INTO f VALUES " + String.join(", ", rows);
        }
        if (kind < 33) {
            return "INSERT INTO f SELECT k + " + (100_000 + nextKey) + ", g, x * 2, d + 1, dt + 1, dk FROM f WHERE k % 9 = "
                    + random.nextInt(9);
        }
        if (kind < 38) {
            return "INSERT INTO f (k, g, dk) VALUES (" + nextKey + ", 'z', " + random.nextInt(8) + ")";
        }
        if (kind < 50) {
            String[] conditions = {"k % 7 = " + random.nextInt(7), "x > " + random.nextInt(100), "g = 'b'", "g IS NULL",
                "dt < DATE '2026-03-01'", "dk = " + random.nextInt(8), "d BETWEEN 100 AND 300",
                "k % 5 IN (SELECT id FROM r WHERE name LIKE 'r" + random.nextInt(5) + "%')",
                "EXISTS (SELECT * FROM f AS f2 WHERE f2.k = f.k AND f2.x > " + (50 + random.nextInt(50)) + ")"};
            if (random.nextInt(6) == 0) {
                return "DELETE FROM f USING r WHERE f.k % 5 = r.id AND r.name LIKE 'r" + random.nextInt(5) + "%'";
            }
            return "DELETE FROM f WHERE " + conditions[random.nextInt(conditions.length)];
        }
        if (kind < 62) {
            String[] sets = {"x = x + 1", "g = upper(g)", "d = d * 2, dt = dt + 30", "dk = (dk + 1) % 8", "k = k + 1",
                "x = NULL", "x = (SELECT count(*) FROM r WHERE r.id = f.k % 5)"};
            String[] conditions = {"k % 5 = " + random.nextInt(5), "g = 'a'", "x < 50", "dk IS NULL", "true",
                "k % 5 NOT IN (SELECT id FROM r WHERE name < 'r" + random.nextInt(5) + "')"};
            if (random.nextInt(6) == 0) { // r may hold an id twice: a value that does not depend on which row matched
                return "UPDATE f SET x = coalesce(x, 0) + 1 FROM r WHERE f.k % 5 = r.id AND r.name < 'r" + random.nextInt(5)
                        + "'";
            }
            return "UPDATE f SET " + sets[random.nextInt(sets.length)] + " WHERE " + conditions[random.nextInt(conditions.length)];
        }
        if (kind < 72) {
            return "INSERT INTO r VALUES (" + random.nextInt(5) + ", 'r" + random.nextInt(50) + "')";
        }
        if (kind < 76) {
            return "DELETE FROM r WHERE id = " + random.nextInt(5);
        }
        if (kind < 80) {
            if (random.nextBoolean()) { // a replicated table changed by what the partitioned one holds
                return "UPDATE r SET name = name || '#' WHERE id IN (SELECT k % 5 FROM f WHERE g = '"
                        + "abcde".charAt(random.nextInt(5)) + "')";
            }
            return "UPDATE r SET name = name || '+' WHERE id = " + random.nextInt(5);
        }
        if (kind < 90) {
            return "INSERT INTO dim VALUES (" + random.nextInt(8) + ", 'L" + random.nextInt(20) + "', " + random.nextInt(100) + ")";
        }
        if (kind < 95) {
            return "UPDATE dim SET label = label || '*', w = w + 1 WHERE dk = " + random.nextInt(8);
        }
        if (random.nextBoolean()) {
            return "DELETE FROM dim USING f WHERE dim.dk = f.dk AND f.k % 11 = " + random.nextInt(11);
        }
        return "DELETE FROM dim WHERE w > " + (50 + random.nextInt(50));
    }

    private static String maybe(Random random, String value) {
        return random.nextInt(10) == 0 ? "NULL" : value;
    }

    private static long execute(Connection duck, String sql) throws Exception {
        try (Statement s = duck.createStatement()) {
            if (s.execute(sql)) {
                return 0;
            }
            return Math.max(0, s.getUpdateCount());
        }
    }
}
