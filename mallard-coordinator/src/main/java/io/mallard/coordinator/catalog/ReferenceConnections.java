package io.mallard.coordinator.catalog;

import java.sql.SQLException;
import org.duckdb.DuckDBConnection;

/** Connections to the coordinator's reference database ({@link ReferenceCopy}); each is the caller's to close. */
@FunctionalInterface
public interface ReferenceConnections {
    DuckDBConnection connect() throws SQLException;
}
