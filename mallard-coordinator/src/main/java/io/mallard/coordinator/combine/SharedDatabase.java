package io.mallard.coordinator.combine;

import io.mallard.common.duck.DuckErrors;
import java.nio.file.Path;
import java.sql.SQLException;
import java.sql.Statement;
import org.duckdb.DuckDBConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An in-memory DuckDB that many connections share, replaced by a new one when DuckDB has invalidated it: the one all
 * combines share ({@link Combiner#openDatabase(long, Path)}), and the coordinator's scratch database (type probes,
 * parameters, answers presented to clients). DuckDB invalidates a database after an internal error of its own, and
 * every later statement on it then fails: one query that meets such an error (DuckDB 2.0.0's Arrow import of a list of
 * ENUMs whose lists are all empty or NULL is one) would otherwise fail every later query until the coordinator
 * restarts. Neither holds anything between statements (each query's views are its connection's own), so a new
 * database loses nothing.
 */
public final class SharedDatabase implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SharedDatabase.class);

    /** Opens a new database of this kind. */
    @FunctionalInterface
    public interface Opener {
        DuckDBConnection open() throws SQLException;
    }

    private final String purpose;
    private final Opener opener;
    private DuckDBConnection database;
    /** How many databases were opened before the current one. */
    private long generation;

    /** The combines' database (0 and null for DuckDB's memory limit and spill directory). */
    public SharedDatabase(long memoryLimitBytes, Path tempDirectory) throws SQLException {
        this("combine", () -> Combiner.openDatabase(memoryLimitBytes, tempDirectory));
    }

    /** @param purpose what the database is for, as the log names it */
    public SharedDatabase(String purpose, Opener opener) throws SQLException {
        this.purpose = purpose;
        this.opener = opener;
        this.database = opener.open();
    }

    /**
     * A new connection to the database; the caller closes it. A database DuckDB invalidated (an internal error in an
     * earlier query) fails every statement, so one is tried first, and such a database is replaced.
     */
    public DuckDBConnection connect() throws SQLException {
        long seen;
        DuckDBConnection connection;
        synchronized (this) {
            seen = generation;
            connection = (DuckDBConnection) database.duplicate();
        }
        try (Statement probe = connection.createStatement()) {
            probe.execute("SELECT 1");
            return connection;
        } catch (SQLException e) {
            connection.close();
            if (!replaceIfInvalidated(e, seen)) {
                throw e;
            }
            synchronized (this) {
                return (DuckDBConnection) database.duplicate();
            }
        }
    }

    /**
     * Replaces database number {@code generation} (whose connection met {@code e}) when {@code e} says DuckDB
     * invalidated it; returns whether a new database is in place (also when another connection replaced it already).
     */
    private synchronized boolean replaceIfInvalidated(SQLException e, long generation) throws SQLException {
        if (!DuckErrors.invalidated(e)) {
            return false;
        }
        if (generation != this.generation) {
            return true;
        }
        DuckDBConnection old = database;
        database = opener.open();
        this.generation++;
        LOG.warn("the {} database was invalidated by an internal DuckDB error; a new one replaces it ({})", purpose,
                e.getMessage());
        try {
            old.close();
        } catch (SQLException closing) {
            LOG.debug("closing the invalidated {} database: {}", purpose, closing.getMessage());
        }
        return true;
    }

    @Override
    public synchronized void close() throws SQLException {
        database.close();
    }
}
