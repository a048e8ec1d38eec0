package io.mallard.coordinator.scheduling;

import io.mallard.coordinator.combine.ShardStream;
import io.mallard.protocol.Messages.TableScan;
import io.mallard.protocol.Messages.TaskSpec;
import java.util.List;
import io.mallard.protocol.TaskKey;

/**
 * One shard's part of one stream of a query: the task, the attempt in flight and who runs it, and its answer as it
 * arrives. The answer is complete when its stream has ended.
 */
final class ShardSlot {
    final String queryId;
    final String stream;
    final String shardId;
    final String sql;
    /** The tables the task reads, with their files at the version the query pinned. */
    final List<TableScan> tables;
    final ShardStream answer;
    volatile int attempt;
    volatile String workerId;
    /** An upload for this attempt has started: a second one is refused. */
    volatile boolean uploading;

    ShardSlot(String queryId, String stream, String shardId, String sql, List<TableScan> tables) {
        this.queryId = queryId;
        this.stream = stream;
        this.shardId = shardId;
        this.sql = sql;
        this.tables = List.copyOf(tables);
        this.answer = new ShardStream(shardId);
    }

    TaskSpec task() {
        return new TaskSpec(queryId, shardId, stream, attempt, sql, tables);
    }

    TaskKey taskKey() {
        return new TaskKey(queryId, shardId, stream, attempt);
    }

    boolean done() {
        return answer.ended();
    }
}
