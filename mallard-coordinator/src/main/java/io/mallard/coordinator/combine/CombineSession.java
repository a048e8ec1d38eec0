package io.mallard.coordinator.combine;

import io.mallard.common.Resources;
import io.mallard.common.duck.DuckArrow;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One query's combine, opened by {@link Combiner#open}: {@link #run()} starts the combine SQL and returns its answer as
 * Arrow; {@link #interrupt()} stops DuckDB if it is busy (a cancel must not wait for the combine to notice).
 */
public final class CombineSession {
    private static final Logger LOG = LoggerFactory.getLogger(CombineSession.class);

    private final String queryId;
    private final String sql;
    private final Statement statement;
    private final BufferAllocator allocator;
    private final Resources resources;

    CombineSession(String queryId, String sql, Statement statement, BufferAllocator allocator, Resources resources) {
        this.queryId = queryId;
        this.sql = sql;
        this.statement = statement;
        this.allocator = allocator;
        this.resources = resources;
    }

    /** Runs the combine SQL; its result set and reader go on the resources the session was opened with. */
    public ArrowReader run() throws SQLException {
        ResultSet rs = resources.push(statement.executeQuery(sql));
        return resources.push(DuckArrow.export(rs, allocator));
    }

    /** Interrupts the combine in DuckDB, if it runs. */
    public void interrupt() {
        try {
            statement.cancel();
        } catch (SQLException e) {
            LOG.debug("interrupting query {} in DuckDB failed", queryId, e);
        }
    }
}
