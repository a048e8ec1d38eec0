package io.mallard.protocol;

import java.util.List;
import java.util.Map;

/** The message records. Field names are the wire format: rename only with a protocol version bump. */
public final class Messages {
    private Messages() {
    }

    /** Worker → coordinator, unauthenticated: the join token admits the worker. */
    public record RegisterWorker(String joinToken, String name, String version, int cpus, long memoryBytes, long pid)
            implements Message {
    }

    /** The worker's identity and session token; every later call carries the token as a bearer credential. */
    public record WorkerRegistered(String workerId, String sessionToken, long leaseMillis, long pollMillis)
            implements Message {
    }

    /** Long-poll for work; also the heartbeat that renews the worker's lease. {@code held}: shards the worker can serve. */
    public record Poll(String workerId, List<String> held) implements Message {
    }

    /** A shard the worker must fetch: a signed, expiring, shard-scoped URL and the expected SHA-256. */
    public record ShardGrant(String shardId, String dataset, String url, long size, String sha256) {
    }

    /**
     * One task: run {@code sql} on shard {@code shardId} and upload the Arrow result under the same key. A query may
     * read several streams from each shard (one per gathered table); {@code stream} names which.
     */
    public record TaskSpec(String queryId, String shardId, String stream, int attempt, String sql) {
        /** Which attempt of which task this is. */
        public TaskKey taskKey() {
            return new TaskKey(queryId, shardId, stream, attempt);
        }

        /** The task key as text ({@code query/shard/stream/attempt}), for logs and messages. */
        public String key() {
            return taskKey().toString();
        }
    }

    /**
     * Everything the coordinator has for a worker at this poll: shards to download and to drop, tasks to run, queries
     * and single task attempts to cancel (an attempt is cancelled when a duplicate of it answered first or it was given
     * up), and whether the worker is to drain: finish its tasks, hand its shards over, and leave.
     */
    public record PollReply(List<ShardGrant> grants, List<String> revoked, List<TaskSpec> tasks, List<String> cancelledQueries,
            List<TaskKey> cancelledTasks, boolean drain) implements Message {
        public PollReply {
            cancelledTasks = cancelledTasks == null ? List.of() : List.copyOf(cancelledTasks);
        }

        public static PollReply empty() {
            return new PollReply(List.of(), List.of(), List.of(), List.of(), List.of(), false);
        }

        /** Nothing to do (the drain flag is a standing state, not news: it rides along on every reply). */
        public boolean isEmpty() {
            return grants.isEmpty() && revoked.isEmpty() && tasks.isEmpty() && cancelledQueries.isEmpty()
                    && cancelledTasks.isEmpty();
        }
    }

    /** The worker downloaded and verified a shard and asks to prove possession. */
    public record ShardReady(String workerId, String shardId) implements Message {
    }

    /** A fresh single-use nonce: answer with SHA-256(nonce ‖ shard bytes). */
    public record Challenge(String shardId, String nonce) implements Message {
    }

    public record ShardProof(String workerId, String shardId, String nonce, String digest) implements Message {
    }

    /** The worker refused a shard (its bytes did not match the expected hash). */
    public record ShardRejected(String workerId, String shardId, String reason) implements Message {
    }

    public record Ack(boolean accepted, String message) implements Message {
    }

    public record TaskFailed(String workerId, TaskSpec task, ErrorInfo error) implements Message {
    }

    /**
     * The descriptor command of a worker's DoPut: which tasks the Arrow stream answers, all of one query's stream (so of
     * one schema). With one task, every batch is that task's. With several, each batch's app metadata is a
     * {@link BatchTag} naming its task by its index in {@code tasks}, and an empty batch tagged as the end ends that
     * task, so a worker sends all its shards' answers to a query on one stream instead of opening one per shard.
     */
    public record TaskResult(String workerId, String queryId, String stream, List<TaskRef> tasks) implements Message {
        public TaskResult {
            tasks = List.copyOf(tasks);
        }

        /** The upload of one task. */
        public static TaskResult of(String workerId, TaskSpec task) {
            return new TaskResult(workerId, task.queryId(), task.stream(), List.of(new TaskRef(task.shardId(), task.attempt())));
        }

        /** The key of the task at {@code index} of this upload. */
        public TaskKey taskKey(int index) {
            TaskRef task = tasks.get(index);
            return new TaskKey(queryId, task.shardId(), stream, task.attempt());
        }
    }

    /** One task of a {@link TaskResult}: a shard and the attempt that answers it. */
    public record TaskRef(String shardId, int attempt) {
    }

    /** A worker shutting down cleanly: stop sending it work. */
    public record Leaving(String workerId) implements Message {
    }

    /** Client → coordinator, as a DoGet ticket: run this SQL and stream the answer. */
    public record QueryRequest(String sql, Map<String, String> settings) implements Message {
    }

    public record ExplainRequest(String sql) implements Message {
    }

    /** The distributed plan of a query. */
    public record PlanDescription(String strategy, String workerSql, String combineSql, List<String> shards, String text)
            implements Message {
    }

    public record ClusterStatusRequest() implements Message {
    }

    /** @param address the worker's network address as the coordinator saw its connection (host:port), or empty */
    public record WorkerView(String id, String name, String state, List<String> assigned, List<String> trusted,
            long lastHeartbeatMillisAgo, int cpus, long memoryBytes, int runningTasks, String version, String address) {
    }

    public record ShardView(String id, String dataset, long size, String sha256, List<String> trustedOn) {
    }

    public record ClusterStatus(List<WorkerView> workers, List<ShardView> shards) implements Message {
        /** True when every shard is proven on at least one worker. */
        public boolean allShardsServed() {
            return shards.stream().allMatch(s -> !s.trustedOn().isEmpty());
        }
    }
}
