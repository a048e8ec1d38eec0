package io.mallard.coordinator.query;

import io.mallard.common.MallardException;
import io.mallard.common.Resources;
import io.mallard.common.duck.DuckArrow;
import io.mallard.common.duck.DuckErrors;
import io.mallard.coordinator.catalog.ReferenceConnections;
import io.mallard.coordinator.scheduling.QueryStats;
import io.mallard.planner.plan.DistributedPlan;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.ipc.ArrowReader;
import io.mallard.coordinator.combine.SharedDatabase;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers that need no worker: LOCAL queries, which run on the reference database's full copies (read-only, locked),
 * and text answers such as EXPLAIN's plan.
 */
final class LocalRunner {
    private static final Logger LOG = LoggerFactory.getLogger(LocalRunner.class);

    private final ReferenceConnections reference;
    private final SharedDatabase scratch;
    private final BufferAllocator allocator;
    /** LOCAL queries running now, by id, so that a cancel can interrupt them in DuckDB. */
    private final Map<String, Statement> running = new ConcurrentHashMap<>();

    /** @param scratch a database for answers that read no table (the combine database) */
    LocalRunner(ReferenceConnections reference, SharedDatabase scratch, BufferAllocator allocator) {
        this.reference = reference;
        this.scratch = scratch;
        this.allocator = allocator;
    }

    /** Runs a LOCAL plan's SQL on the reference database, unless {@code stopped} says why it must not. */
    QueryResult run(String queryId, DistributedPlan plan, Supplier<MallardException> stopped) {
        Resources resources = new Resources();
        try {
            resources.onClose(() -> running.remove(queryId));
            Connection connection = resources.push(reference.connect());
            Statement statement = resources.push(connection.createStatement());
            running.put(queryId, statement);
            if (stopped.get() != null) {
                throw stopped.get(); // stopped before a cancel could find the statement
            }
            ResultSet rs = resources.push(statement.executeQuery(plan.combineSql()));
            ArrowReader reader = resources.push(DuckArrow.export(rs, allocator));
            return new QueryResult(queryId, plan, reader, resources.transfer(), () -> null)
                    .withStats(() -> new QueryStats(plan.strategy().name(), List.of()));
        } catch (SQLException e) {
            RuntimeException error = DuckErrors.translate(e);
            resources.closeAfter(error);
            throw error;
        } catch (RuntimeException e) {
            resources.closeAfter(e);
            throw e;
        }
    }

    /** A text as a result: one row per line, in a column named {@code plan}. */
    QueryResult text(DistributedPlan plan, String lines) {
        String text = lines.stripTrailing();
        Resources resources = new Resources();
        try {
            Connection connection = resources.push(scratch.connect());
            PreparedStatement statement = resources.push(connection.prepareStatement(
                    "SELECT unnest(string_split(?::VARCHAR, chr(10))) AS plan"));
            statement.setString(1, text);
            ResultSet rs = resources.push(statement.executeQuery());
            ArrowReader reader = resources.push(DuckArrow.export(rs, allocator));
            return new QueryResult(UUID.randomUUID().toString(), plan, reader, resources.transfer(), () -> null)
                    .withStats(() -> new QueryStats("EXPLAIN", List.of()));
        } catch (SQLException e) {
            RuntimeException error = DuckErrors.translate(e);
            resources.closeAfter(error);
            throw error;
        }
    }

    /** Interrupts a running LOCAL query in DuckDB; false when none runs under that id. */
    boolean cancel(String queryId) {
        Statement statement = running.get(queryId);
        if (statement == null) {
            return false;
        }
        try {
            statement.cancel();
        } catch (SQLException e) {
            LOG.debug("interrupting query {} in DuckDB failed", queryId, e);
        }
        return true;
    }
}
