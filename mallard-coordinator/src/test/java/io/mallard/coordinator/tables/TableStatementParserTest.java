package io.mallard.coordinator.tables;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.mallard.common.ErrorCode;
import io.mallard.common.MallardException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The table statements are recognised by their words, split into names and parts that keep their positions. */
class TableStatementParserTest {

    @Test
    void queriesAndOtherStatementsAreNotTableStatements() {
        for (String sql : List.of("SELECT 1", "WITH x AS (SELECT 1) SELECT * FROM x", "SET mallard.distributed = false",
                "EXPLAIN SELECT 1", "DESCRIBE SELECT 1", "DESCRIBE FROM t", "UPDATE", "  ", "-- only a comment")) {
            assertThat(TableStatementParser.parse(sql)).as(sql).isEmpty();
        }
    }

    @Test
    void createTableKeepsTheColumnDefinitionsWithTheirPosition() {
        String sql = "CREATE TABLE IF NOT EXISTS \"My Events\" (device_id VARCHAR, ts TIMESTAMP, temp DOUBLE);";
        TableStatement.CreateTable s = (TableStatement.CreateTable) TableStatementParser.parse(sql).orElseThrow();
        assertThat(s.name()).isEqualTo("My Events");
        assertThat(s.ifNotExists()).isTrue();
        assertThat(s.columns().text()).isEqualTo("(device_id VARCHAR, ts TIMESTAMP, temp DOUBLE)");
        assertThat(s.columns().at()).isEqualTo(sql.indexOf('('));
        assertThat(s.asQuery()).isNull();
    }

    @Test
    void createTableAsKeepsTheQuery() {
        String sql = "create table t as select 1 as a";
        TableStatement.CreateTable s = (TableStatement.CreateTable) TableStatementParser.parse(sql).orElseThrow();
        assertThat(s.asQuery().text()).isEqualTo("select 1 as a");
        assertThat(s.asQuery().at()).isEqualTo(sql.indexOf("select"));
    }

    @Test
    void insertWithAndWithoutAColumnList() {
        TableStatement.InsertInto listed = (TableStatement.InsertInto) TableStatementParser
                .parse("INSERT INTO t (a, \"B\") VALUES (1, 'x'), (2, 'y')").orElseThrow();
        assertThat(listed.columns()).containsExactly("a", "B");
        assertThat(listed.query().text()).isEqualTo("VALUES (1, 'x'), (2, 'y')");
        TableStatement.InsertInto query = (TableStatement.InsertInto) TableStatementParser
                .parse("INSERT INTO main.t (SELECT * FROM u)").orElseThrow();
        assertThat(query.name()).isEqualTo("t");
        assertThat(query.columns()).isEmpty();
        assertThat(query.query().text()).isEqualTo("(SELECT * FROM u)");
    }

    @Test
    void updateSplitsItsAssignmentsAtTopLevelCommasOnly() {
        String sql = "UPDATE t AS x SET a = coalesce(b, 1), c = 'p, q' WHERE x.k IN (1, 2)";
        TableStatement.Update s = (TableStatement.Update) TableStatementParser.parse(sql).orElseThrow();
        assertThat(s.alias()).isEqualTo("x");
        assertThat(s.assignments()).extracting(TableStatement.Assignment::column).containsExactly("a", "c");
        assertThat(s.assignments()).extracting(a -> a.value().text()).containsExactly("coalesce(b, 1)", "'p, q'");
        assertThat(s.assignments().get(1).value().at()).isEqualTo(sql.indexOf("'p, q'"));
        assertThat(s.where().orElseThrow().text()).isEqualTo("x.k IN (1, 2)");
        assertThat(s.where().orElseThrow().at()).isEqualTo(sql.indexOf("x.k IN"));
    }

    @Test
    void updateFromAndDeleteUsingKeepTheirTablesWithTheirPositions() {
        String update = "UPDATE t SET a = o.b FROM other o, (SELECT 1 AS w) s WHERE t.k = o.k";
        TableStatement.Update u = (TableStatement.Update) TableStatementParser.parse(update).orElseThrow();
        assertThat(u.assignments()).extracting(a -> a.value().text()).containsExactly("o.b");
        assertThat(u.from().orElseThrow().text()).isEqualTo("other o, (SELECT 1 AS w) s");
        assertThat(u.from().orElseThrow().at()).isEqualTo(update.indexOf("other o"));
        assertThat(u.where().orElseThrow().text()).isEqualTo("t.k = o.k");
        String delete = "DELETE FROM t x USING other WHERE x.k = other.k";
        TableStatement.Delete d = (TableStatement.Delete) TableStatementParser.parse(delete).orElseThrow();
        assertThat(d.alias()).isEqualTo("x");
        assertThat(d.using().orElseThrow().text()).isEqualTo("other");
        assertThat(d.using().orElseThrow().at()).isEqualTo(delete.indexOf("other"));
        assertThat(TableStatementParser.parse("DELETE FROM t USING other").orElseThrow())
                .isInstanceOfSatisfying(TableStatement.Delete.class, e -> assertThat(e.where()).isEmpty());
        assertThatThrownBy(() -> TableStatementParser.parse("DELETE FROM t USING WHERE true"))
                .hasMessageContaining("expected the tables after USING");
    }

    @Test
    void deleteAlterDropTruncateShowDescribeCopy() {
        assertThat(TableStatementParser.parse("DELETE FROM t WHERE a > 1").orElseThrow())
                .isInstanceOfSatisfying(TableStatement.Delete.class, d -> assertThat(d.where().orElseThrow().text()).isEqualTo("a > 1"));
        assertThat(TableStatementParser.parse("DELETE FROM t").orElseThrow())
                .isInstanceOfSatisfying(TableStatement.Delete.class, d -> assertThat(d.where()).isEmpty());
        assertThat(TableStatementParser.parse("ALTER TABLE events SET PARTITIONED BY (device_id, day)").orElseThrow())
                .isEqualTo(new TableStatement.SetPartitioned("events", List.of("device_id", "day")));
        assertThat(TableStatementParser.parse("ALTER TABLE events RESET PARTITIONED BY").orElseThrow())
                .isEqualTo(new TableStatement.SetPartitioned("events", List.of()));
        assertThat(TableStatementParser.parse("ALTER TABLE n SET REPLICATED").orElseThrow())
                .isEqualTo(new TableStatement.SetReplicated("n"));
        assertThat(TableStatementParser.parse("ALTER TABLE c SET DIMENSION (c_custkey) REFERENCED BY orders (o_custkey)")
                .orElseThrow()).isInstanceOfSatisfying(TableStatement.SetDimension.class, d -> assertThat(d.references())
                        .containsExactly(new TableStatement.SetDimension.Reference(List.of("c_custkey"), "orders",
                                List.of("o_custkey"))));
        assertThat(TableStatementParser.parse("ALTER TABLE t ADD COLUMN c DECIMAL(10, 2)").orElseThrow())
                .isInstanceOfSatisfying(TableStatement.AddColumn.class, a -> assertThat(a.type().text()).isEqualTo("DECIMAL(10, 2)"));
        assertThat(TableStatementParser.parse("ALTER TABLE t DROP COLUMN a").orElseThrow())
                .isEqualTo(new TableStatement.DropColumn("t", "a", false));
        assertThat(TableStatementParser.parse("alter table t drop if exists \"A b\" restrict").orElseThrow())
                .isEqualTo(new TableStatement.DropColumn("t", "A b", true));
        assertThat(TableStatementParser.parse("ALTER TABLE t RENAME COLUMN a TO b").orElseThrow())
                .isEqualTo(new TableStatement.RenameColumn("t", "a", "b"));
        assertThat(TableStatementParser.parse("ALTER TABLE t RENAME TO u").orElseThrow())
                .isEqualTo(new TableStatement.RenameTable("t", "u"));
        assertThat(TableStatementParser.parse("DROP TABLE IF EXISTS t").orElseThrow())
                .isEqualTo(new TableStatement.DropTable("t", true));
        assertThat(TableStatementParser.parse("TRUNCATE TABLE t").orElseThrow()).isEqualTo(new TableStatement.Truncate("t"));
        assertThat(TableStatementParser.parse("SHOW TABLES").orElseThrow()).isEqualTo(new TableStatement.ShowTables());
        assertThat(TableStatementParser.parse("DESCRIBE lineitem").orElseThrow())
                .isEqualTo(new TableStatement.DescribeTable("lineitem"));
        assertThat(TableStatementParser.parse("COPY t FROM 'x.csv' (HEADER true)").orElseThrow())
                .isInstanceOfSatisfying(TableStatement.CopyFrom.class, c -> {
                    assertThat(c.path().text()).isEqualTo("'x.csv'");
                    assertThat(c.options().text()).isEqualTo("(HEADER true)");
                });
    }

    @Test
    void returningIsRefusedAtItsPositionAfterAConditionToo() {
        for (String sql : List.of("DELETE FROM t WHERE id = 4 RETURNING *", "UPDATE t SET a = 1 WHERE (b) > 2 RETURNING a",
                "INSERT INTO t VALUES (1) RETURNING *", "DELETE FROM t RETURNING id", "DELETE FROM t USING o RETURNING *",
                "UPDATE t SET a = o.a FROM o WHERE t.k = o.k RETURNING a")) {
            MallardException e = catchThrowableOfType(MallardException.class, () -> TableStatementParser.parse(sql));
            assertThat(e).as(sql).isNotNull();
            assertThat(e.code()).as(sql).isEqualTo(ErrorCode.UNSUPPORTED_STATEMENT);
            assertThat(e.getMessage()).as(sql).startsWith("RETURNING is not supported");
            assertThat(e.position()).as(sql).hasValue(sql.indexOf("RETURNING"));
        }
        // a condition that only names something RETURNING keeps it
        TableStatement.Delete quoted = (TableStatement.Delete) TableStatementParser
                .parse("DELETE FROM t WHERE note = 'RETURNING' OR \"returning\" > 1").orElseThrow();
        assertThat(quoted.where().orElseThrow().text()).isEqualTo("note = 'RETURNING' OR \"returning\" > 1");
    }

    @Test
    void alterColumnIsRefusedWithTheWayAround() {
        for (String sql : List.of("ALTER TABLE t ALTER COLUMN a TYPE BIGINT", "ALTER TABLE t ALTER a SET DEFAULT 1",
                "ALTER TABLE t ALTER COLUMN a DROP NOT NULL")) {
            MallardException e = catchThrowableOfType(MallardException.class, () -> TableStatementParser.parse(sql));
            assertThat(e.code()).as(sql).isEqualTo(ErrorCode.UNSUPPORTED_STATEMENT);
            assertThat(e.getMessage()).as(sql).contains("ALTER COLUMN").contains("drop the old column");
            assertThat(e.position()).as(sql).hasValue(sql.indexOf("ALTER", 1));
        }
    }

    @Test
    void aMalformedTableStatementIsASyntaxErrorAtTheOffendingToken() {
        String sql = "ALTER TABLE t SET PARTITIONED BY device_id";
        MallardException e = catchThrowableOfType(MallardException.class, () -> TableStatementParser.parse(sql));
        assertThat(e.code()).isEqualTo(ErrorCode.SYNTAX_ERROR);
        assertThat(e.position()).hasValue(sql.indexOf("device_id"));
        MallardException open = catchThrowableOfType(MallardException.class,
                () -> TableStatementParser.parse("INSERT INTO t VALUES ('never closed)"));
        assertThat(open.code()).isEqualTo(ErrorCode.SYNTAX_ERROR);
        assertThat(open.getMessage()).contains("unterminated string");
        MallardException trailing = catchThrowableOfType(MallardException.class,
                () -> TableStatementParser.parse("DROP TABLE t extra"));
        assertThat(trailing.position()).hasValue("DROP TABLE t ".length());
    }
}
