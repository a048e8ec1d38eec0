package io.mallard.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.mallard.common.ErrorCode;
import io.mallard.common.MallardException;
import io.mallard.common.security.ResourceLimits;
import io.mallard.protocol.EdgePartitions;
import io.mallard.protocol.Messages;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Local tables read through the worker's locked DuckDB: declared columns, exposed columns, states pinned per query. */
class LocalTablesTest {
    @TempDir
    Path dir;

    private void write(String sql) throws Exception {
        try (Connection duck = DriverManager.getConnection("jdbc:duckdb:"); Statement s = duck.createStatement()) {
            s.execute(sql);
        }
    }

    private static Messages.TaskSpec task(String queryId, String sql) {
        return new Messages.TaskSpec(queryId, EdgePartitions.id("readings", "dev"), "s", 1, sql,
                List.of(new Messages.TableScan("readings", List.of(), List.of())));
    }

    private static long count(WorkerDatabase database, Messages.TaskSpec task) throws Exception {
        try (WorkerDatabase.TaskConnection c = database.connect(task, Set.of()); Statement s = c.connection().createStatement();
                ResultSet rs = s.executeQuery(task.sql())) {
            rs.next();
            return rs.getLong(1);
        } catch (java.sql.SQLException e) {
            throw io.mallard.common.duck.DuckErrors.translate(e); // as TaskExecution reports it
        }
    }

    @Test
    void parquetFilesOfAGlobAreOneTableWithTheExposedColumnsAndAQueryReadsOneState() throws Exception {
        Path files = Files.createDirectories(dir.resolve("files"));
        write("COPY (SELECT i AS id, 'd' || i AS device_id, i / 2.0 AS temp, 'x' AS secret FROM range(10) r(i)) TO '"
                + files.resolve("a.parquet") + "'");
        List<LocalTableSpec> specs = LocalTableSpec.parse(List.of("readings=" + files + "/*.parquet"),
                List.of("readings:device_id,temp"));
        try (WorkerDatabase database = new WorkerDatabase(dir.resolve("data"), new ResourceLimits(2, 1L << 30), 1,
                LocalTables.directories(specs))) {
            LocalTables tables = new LocalTables(specs, database, "dev");
            database.useLocalTables(tables);
            Messages.LocalTable announced = tables.announceAll().get(0);
            assertThat(announced.columns()).containsExactly(new Messages.LocalColumn("device_id", "VARCHAR"),
                    new Messages.LocalColumn("temp", "DOUBLE"));
            assertThat(announced.rows()).isEqualTo(10);
            assertThat(tables.changed()).isEmpty();

            assertThat(count(database, task("q1", "SELECT count(*) FROM readings"))).isEqualTo(10);
            write("COPY (SELECT 99 AS id, 'new' AS device_id, 1.5 AS temp, 'y' AS secret) TO '" + files.resolve("b.parquet") + "'");
            // the query that already read the partition keeps its files; the next one sees the new file
            assertThat(count(database, task("q1", "SELECT count(*) FROM readings"))).isEqualTo(10);
            assertThat(count(database, task("q2", "SELECT count(*) FROM readings"))).isEqualTo(11);
            assertThat(tables.changed()).singleElement().satisfies(t -> {
                assertThat(t.rows()).isEqualTo(11);
                assertThat(t.fingerprint()).isNotEqualTo(announced.fingerprint());
            });
            MallardException hidden = catchThrowableOfType(MallardException.class,
                    () -> count(database, task("q3", "SELECT count(secret) FROM readings")));
            assertThat(hidden.code()).isEqualTo(ErrorCode.BINDER_ERROR);
            // the database reads only its data directory and the local tables' directories
            write("COPY (SELECT 1 AS id) TO '" + dir.resolve("outside.parquet") + "'");
            MallardException outside = catchThrowableOfType(MallardException.class, () -> count(database,
                    task("q4", "SELECT count(*) FROM read_parquet('" + dir.resolve("outside.parquet") + "')")));
            assertThat(outside.code()).isEqualTo(ErrorCode.PERMISSION_DENIED);
        }
    }

    @Test
    void aCsvFileAppendedInPlaceIsSeenByTheNextQueryAndFailsTheQueryThatPinnedIt() throws Exception {
        Path csv = dir.resolve("r.csv");
        Files.writeString(csv, "device_id,temp\na,1.5\nb,\n");
        List<LocalTableSpec> specs = LocalTableSpec.parse(List.of("readings=" + csv), List.of());
        try (WorkerDatabase database = new WorkerDatabase(dir.resolve("data"), new ResourceLimits(2, 1L << 30), 1,
                LocalTables.directories(specs))) {
            LocalTables tables = new LocalTables(specs, database, "dev");
            database.useLocalTables(tables);
            assertThat(count(database, task("q1", "SELECT count(*) FROM readings"))).isEqualTo(2);
            Files.writeString(csv, "c,2.5\n", StandardOpenOption.APPEND);
            assertThat(count(database, task("q2", "SELECT count(*) FROM readings"))).isEqualTo(3);
            MallardException changed = catchThrowableOfType(MallardException.class,
                    () -> count(database, task("q1", "SELECT count(*) FROM readings")));
            assertThat(changed.code()).isEqualTo(ErrorCode.EXECUTION_ERROR);
            assertThat(changed.getMessage()).contains("changed while the query read it");
        }
    }

    @Test
    void aDuckDbFileTableIsReadReadOnly() throws Exception {
        Path db = dir.resolve("local.duckdb");
        try (Connection duck = DriverManager.getConnection("jdbc:duckdb:" + db); Statement s = duck.createStatement()) {
            s.execute("CREATE TABLE tbl AS SELECT 'd' || i AS device_id, i * 1.0 AS temp FROM range(7) r(i)");
        }
        List<LocalTableSpec> specs = LocalTableSpec.parse(List.of("readings=" + db + ":tbl"), List.of());
        try (WorkerDatabase database = new WorkerDatabase(dir.resolve("data"), new ResourceLimits(2, 1L << 30), 1,
                LocalTables.directories(specs))) {
            LocalTables tables = new LocalTables(specs, database, "dev");
            database.useLocalTables(tables);
            assertThat(tables.announceAll().get(0).rows()).isEqualTo(7);
            assertThat(count(database, task("q1", "SELECT count(*) FROM readings WHERE temp > 2"))).isEqualTo(4);
        }
    }

    @Test
    void declarationsAreChecked() {
        assertThat(catchThrowableOfType(MallardException.class, () -> LocalTableSpec.parse(List.of("readings"), List.of()))
                .code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
        assertThat(catchThrowableOfType(MallardException.class, () -> LocalTableSpec.parse(List.of("r=/x/a.txt"), List.of()))
                .getMessage()).contains("neither Parquet");
        assertThat(catchThrowableOfType(MallardException.class, () -> LocalTableSpec.parse(List.of("r=/x/a.duckdb"),
                List.of())).getMessage()).contains(":TABLE");
        assertThat(catchThrowableOfType(MallardException.class, () -> LocalTableSpec.parse(List.of("r=/x/*.csv"),
                List.of("other:a"))).getMessage()).contains("no such --table");
        LocalTableSpec spec = LocalTableSpec.parse(List.of("r=/data/sensors/*.parquet"), List.of("r:a, b")).get(0);
        assertThat(spec.format()).isEqualTo(LocalTableSpec.Format.PARQUET);
        assertThat(spec.baseDirectory()).isEqualTo(Path.of("/data/sensors/"));
        assertThat(spec.exposed()).containsExactly("a", "b");
        MallardException missing = catchThrowableOfType(MallardException.class, () -> {
            try (WorkerDatabase database = new WorkerDatabase(dir.resolve("data"), new ResourceLimits(2, 1L << 30), 1)) {
                new LocalTables(List.of(spec), database, "dev");
            }
        });
        assertThat(missing.getMessage()).contains("no file matches");
    }
}
