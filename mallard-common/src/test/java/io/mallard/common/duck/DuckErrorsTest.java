package io.mallard.common.duck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.mallard.common.ErrorCode;
import io.mallard.common.MallardException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.SQLTimeoutException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.duckdb.DuckDBConnection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every row of {@link DuckErrorCodes} against the pinned DuckDB: each probe provokes the real error and checks the
 * kind DuckDB gives it and the code it becomes, both with {@code errors_as_json} (as Mallard's databases run) and
 * without (DuckDB's text form).
 */
class DuckErrorsTest {
    @TempDir
    static Path dir;

    /** How a database reports its errors. */
    enum Form {
        JSON, TEXT
    }

    /** Statements whose last one fails, and what DuckDB must say the error is. {@code %d} in them is the temp dir. */
    record Probe(String name, List<String> statements, String kind, String missingEntry, ErrorCode code) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static Probe probe(String kind, ErrorCode code, String... statements) {
        return new Probe(String.join("; ", statements), List.of(statements), kind, null, code);
    }

    private static Probe missing(String entry, ErrorCode code, String statement) {
        return new Probe(statement, List.of(statement), "Catalog", entry, code);
    }

    static List<Probe> probes() {
        return List.of(
                probe("Parser", ErrorCode.SYNTAX_ERROR, "SELEC 1"),
                missing("Table", ErrorCode.TABLE_NOT_FOUND, "SELECT * FROM no_such_table"),
                missing("Scalar Function", ErrorCode.FUNCTION_NOT_FOUND, "SELECT no_such_fn(1)"),
                missing("Aggregate Function", ErrorCode.FUNCTION_NOT_FOUND, "SELECT no_such_agg(1) OVER ()"),
                missing("Table Function", ErrorCode.FUNCTION_NOT_FOUND, "SELECT * FROM no_such_tf()"),
                missing("Pragma Function", ErrorCode.FUNCTION_NOT_FOUND, "PRAGMA no_such_pragma"),
                missing("Type", ErrorCode.BINDER_ERROR, "SELECT 'x'::no_such_type"),
                probe("Catalog", ErrorCode.BINDER_ERROR, "SELECT * FROM no_such_schema.t"),
                probe("Binder", ErrorCode.BINDER_ERROR, "SELECT nope FROM (SELECT 1 AS a)"),
                probe("Permission", ErrorCode.PERMISSION_DENIED, "SET enable_external_access = false",
                        "SELECT * FROM read_csv('%s/any.csv')"),
                probe("Not implemented", ErrorCode.UNSUPPORTED_STATEMENT, "SELECT list_sort([1, 2], 'NOPE')"),
                probe("Invalid Input", ErrorCode.EXECUTION_ERROR, "SELECT 1 // 0"),
                probe("Invalid Input", ErrorCode.EXECUTION_ERROR, "SELECT error('raised by the query')"),
                probe("Conversion", ErrorCode.EXECUTION_ERROR, "SELECT CAST('x' AS INTEGER)"),
                probe("Out of Range", ErrorCode.EXECUTION_ERROR, "SELECT 2147483647::INTEGER + 1"),
                probe("Constraint", ErrorCode.EXECUTION_ERROR, "CREATE TABLE c (a INTEGER PRIMARY KEY)",
                        "INSERT INTO c VALUES (1), (1)"),
                probe("TransactionContext", ErrorCode.EXECUTION_ERROR, "BEGIN", "COMMIT", "COMMIT"),
                probe("Out of Memory", ErrorCode.OUT_OF_MEMORY, "SET threads = 1", "SET memory_limit = '1MB'",
                        "SELECT list(range) FROM range(10000000)"),
                probe("IO", ErrorCode.IO_ERROR, "COPY (SELECT 1) TO '%s/no/such/directory/x.csv'"),
                probe("FATAL", ErrorCode.INTERNAL_ERROR, "SET debug_checkpoint_abort = 'before_header'",
                        "CREATE TABLE t AS SELECT 1", "CHECKPOINT"),
                // a kind the table does not name falls back to EXECUTION_ERROR
                probe("Syntax", DuckErrorCodes.OTHER_KIND, "SET threads = 0"));
    }

    static Stream<Arguments> probesInBothForms() {
        return probes().stream().flatMap(p -> Stream.of(Arguments.of(p, Form.JSON), Arguments.of(p, Form.TEXT)));
    }

    @ParameterizedTest(name = "{0} ({1})")
    @MethodSource("probesInBothForms")
    void theProvokedErrorHasItsKindAndCode(Probe probe, Form form) throws Exception {
        SQLException e = provoke(probe.statements(), form);
        DuckError read = DuckError.read(e);
        assertThat(read.kind()).as(e.getMessage()).isEqualTo(probe.kind());
        assertThat(read.missingEntry()).as(e.getMessage()).isEqualTo(probe.missingEntry());
        MallardException translated = DuckErrors.translate(e);
        assertThat(translated.code()).as(e.getMessage()).isEqualTo(probe.code());
        assertThat(translated.getMessage()).startsWith(probe.kind() + " Error: ").doesNotContain("exception_type");
        assertThat(translated.getCause()).isSameAs(e);
    }

    @ParameterizedTest
    @EnumSource(Form.class)
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void anInterruptedQueryIsCancelled(Form form) throws Exception {
        try (Connection c = open(form); Statement statement = c.createStatement()) {
            // cancel until the query has seen it: a cancel that arrives before the query starts is lost
            CompletableFuture<Void> done = new CompletableFuture<>();
            Thread canceller = new Thread(() -> {
                while (!done.isDone()) {
                    try {
                        statement.cancel();
                    } catch (SQLException ignored) {
                        // the statement finished meanwhile
                    }
                    Thread.onSpinWait();
                }
            });
            canceller.start();
            SQLException e = catchThrowableOfType(SQLException.class,
                    () -> statement.execute("SELECT count(*) FROM range(1000000000000) a, range(10) b"));
            done.complete(null);
            canceller.join();
            assertThat((Throwable) e).isInstanceOf(SQLTimeoutException.class); // the one kind the driver gives as a Java type
            assertThat(DuckError.read(e).kind()).isEqualTo(DuckError.INTERRUPT);
            MallardException translated = DuckErrors.translate(e);
            assertThat(translated.code()).isEqualTo(ErrorCode.QUERY_CANCELLED);
            assertThat(translated.getMessage()).isEqualTo("INTERRUPT Error: Interrupted!");
        }
    }

    /** No SQL provokes an INTERNAL error on purpose; this is its JSON as the FATAL probe's real one is shaped. */
    @Test
    void anInternalErrorIsInternal() {
        for (String message : List.of(
                "{\"exception_type\":\"INTERNAL\",\"exception_message\":\"Attempted to dereference unique_ptr that is NULL!\"}",
                "INTERNAL Error: Attempted to dereference unique_ptr that is NULL!")) {
            MallardException e = DuckErrors.translate(new SQLException(message));
            assertThat(e.code()).isEqualTo(ErrorCode.INTERNAL_ERROR);
            assertThat(e.getMessage()).isEqualTo("INTERNAL Error: Attempted to dereference unique_ptr that is NULL!");
        }
    }

    @Test
    void anExceptionNotFromDuckDbsEngineIsInternal() throws Exception {
        Connection closed = DriverManager.getConnection("jdbc:duckdb:");
        closed.close();
        SQLException driver = catchThrowableOfType(SQLException.class, closed::createStatement);
        assertThat(DuckError.read(driver).kind()).as(driver.getMessage()).isNull();
        assertThat(DuckErrors.translate(driver).code()).isEqualTo(DuckErrorCodes.NO_KIND).isEqualTo(ErrorCode.INTERNAL_ERROR);
        MallardException own = DuckErrors.translate(new SQLException("the upload broke off"));
        assertThat(own.code()).isEqualTo(ErrorCode.INTERNAL_ERROR);
        assertThat(own.getMessage()).isEqualTo("the upload broke off");
    }

    @Test
    void aLockedDownDatabaseAndItsDuplicatesSendTheKind() throws Exception {
        try (DuckDBConnection c = (DuckDBConnection) DriverManager.getConnection("jdbc:duckdb:")) {
            DuckLockdown.apply(c);
            try (Connection duplicate = c.duplicate(); Statement statement = duplicate.createStatement()) {
                SQLException e = catchThrowableOfType(SQLException.class, () -> statement.execute("SELECT no_such_fn(1)"));
                assertThat(e.getMessage()).startsWith("{\"exception_type\":\"Catalog\"");
                assertThat(DuckErrors.translate(e).code()).isEqualTo(ErrorCode.FUNCTION_NOT_FOUND);
            }
        }
    }

    @Test
    void everyRowOfTheTableIsProvoked() {
        Set<DuckErrorCodes.Row> provoked = probes().stream()
                .map(p -> DuckErrorCodes.rowOf(new DuckError(p.kind(), p.missingEntry(), "")))
                .flatMap(java.util.Optional::stream).collect(Collectors.toSet());
        List<DuckErrorCodes.Row> elsewhere = new ArrayList<>(); // the two rows with tests of their own above
        for (DuckErrorCodes.Row row : DuckErrorCodes.ROWS) {
            if (row.kind().equals(DuckError.INTERRUPT) || row.kind().equals("INTERNAL")) {
                elsewhere.add(row);
            }
        }
        assertThat(elsewhere).hasSize(2);
        assertThat(provoked).containsAll(DuckErrorCodes.ROWS.stream().filter(r -> !elsewhere.contains(r)).toList());
    }

    private static SQLException provoke(List<String> statements, Form form) throws Exception {
        try (Connection c = open(form); Statement statement = c.createStatement()) {
            for (int i = 0; i < statements.size() - 1; i++) {
                statement.execute(statements.get(i).formatted(dir));
            }
            SQLException e = catchThrowableOfType(SQLException.class,
                    () -> statement.execute(statements.get(statements.size() - 1).formatted(dir)));
            assertThat((Throwable) e).as("%s fails", statements).isNotNull();
            return e;
        }
    }

    private static int databases;

    private static Connection open(Form form) throws SQLException {
        Connection c = DriverManager.getConnection("jdbc:duckdb:" + dir.resolve("probe-" + ++databases + ".duckdb"));
        if (form == Form.JSON) {
            try (Statement s = c.createStatement()) {
                s.execute("SET errors_as_json = true");
            }
        }
        return c;
    }
}
