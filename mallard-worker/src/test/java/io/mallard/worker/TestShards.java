package io.mallard.worker;

import io.mallard.common.security.ResourceLimits;
import io.mallard.protocol.Messages.ColumnScan;
import io.mallard.protocol.Messages.FileScan;
import io.mallard.protocol.Messages.TableScan;
import io.mallard.protocol.Messages.TaskSpec;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Shards as a worker holds them, for the worker's tests: one data file per shard with a table {@code t(k BIGINT,
 * v VARCHAR)} (file columns {@code c0}, {@code c1}), in a data directory a {@link WorkerDatabase} reads.
 */
final class TestShards {
    final Path dir;
    final List<String> fileIds = new ArrayList<>();

    /** @param values per shard, the SELECT of {@code (k, v)} rows of its file */
    TestShards(Path dir, List<String> values) throws SQLException {
        this.dir = dir;
        for (int i = 0; i < values.size(); i++) {
            String fileId = String.format("%032x", i + 1);
            Path file = WorkerDatabase.fileOf(dir, fileId);
            try (Connection c = DriverManager.getConnection("jdbc:duckdb:" + file); Statement s = c.createStatement()) {
                s.execute("CREATE TABLE t AS SELECT k::BIGINT AS c0, v::VARCHAR AS c1 FROM (" + values.get(i) + ")");
            }
            fileIds.add(fileId);
        }
    }

    static String shardId(int i) {
        return "s-" + i;
    }

    /** The task of query {@code queryId} on shard {@code i}: {@code sql} over the view {@code t} of its file. */
    TaskSpec task(String queryId, int i, String sql) {
        TableScan t = new TableScan("t", List.of(new ColumnScan(0, "k", "BIGINT"), new ColumnScan(1, "v", "VARCHAR")),
                List.of(new FileScan(fileIds.get(i), List.of(0, 1), null)));
        return new TaskSpec(queryId, shardId(i), "t", 1, sql, List.of(t));
    }

    Set<String> held() {
        return Set.copyOf(fileIds);
    }

    WorkerDatabase open() throws SQLException {
        return new WorkerDatabase(dir, new ResourceLimits(2, 1L << 30), 1);
    }
}
