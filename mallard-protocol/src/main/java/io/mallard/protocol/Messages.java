package io.mallard.protocol;

import java.util.List;
import java.util.Map;

/** The message records. Field names are the wire format: rename only with a protocol version bump. */
public final class Messages {
    private Messages() {
    }

    /**
     * Worker → coordinator, unauthenticated: the join token admits the worker. {@code instance} is the worker's stable
     * identity (kept in its data directory): placement follows it, so a worker that registers again, after a restart of
     * either side, is given the same shards and keeps its files; a second registration of a live instance replaces the
     * first. Null for a worker without one (placed by its session id).
     */
    public record RegisterWorker(String joinToken, String name, String version, int cpus, long memoryBytes, long pid,
            String instance, List<LocalTable> localTables) implements Message {
        public RegisterWorker {
            localTables = localTables == null ? List.of() : List.copyOf(localTables);
        }

        public RegisterWorker(String joinToken, String name, String version, int cpus, long memoryBytes, long pid,
                String instance) {
            this(joinToken, name, version, cpus, memoryBytes, pid, instance, List.of());
        }

        public RegisterWorker(String joinToken, String name, String version, int cpus, long memoryBytes, long pid) {
            this(joinToken, name, version, cpus, memoryBytes, pid, null, List.of());
        }
    }

    /**
     * A worker's local (edge) table as it announces it: the columns it exposes (name and DuckDB type, in order), its
     * row count and a fingerprint of its content (SHA-256 over the files' names, sizes and modification times). The
     * coordinator never sees the rows themselves.
     */
    public record LocalTable(String name, List<LocalColumn> columns, long rows, String fingerprint) {
        public LocalTable {
            columns = List.copyOf(columns);
        }
    }

    public record LocalColumn(String name, String type) {
    }

    /**
     * Worker → coordinator: a local table it declared when it joined changed (rows appended, files added); the
     * coordinator records the new row count and fingerprint. A table not declared at the join, or a changed schema, is
     * refused with EDGE_TABLE_REFUSED.
     */
    public record LocalTableChanged(String workerId, LocalTable table) implements Message {
    }

    /** The worker's identity and session token; every later call carries the token as a bearer credential. */
    public record WorkerRegistered(String workerId, String sessionToken, long leaseMillis, long pollMillis)
            implements Message {
    }

    /** Long-poll for work; also the heartbeat that renews the worker's lease. {@code held}: files the worker holds. */
    public record Poll(String workerId, List<String> held) implements Message {
    }

    /**
     * A file the worker must fetch: a signed, expiring, file-scoped URL and the expected size and SHA-256. Files are
     * immutable; a worker keeps one until the coordinator revokes it.
     */
    public record FileGrant(String fileId, String url, long size, String sha256) {
    }

    /**
     * One task: run {@code sql} on shard {@code shardId} and upload the Arrow result under the same key. A query may
     * read several streams from each shard (one per gathered table); {@code stream} names which. {@code tables} are the
     * tables the SQL reads, as of the version the query pinned: the worker defines each as a view over these files.
     */
    public record TaskSpec(String queryId, String shardId, String stream, int attempt, String sql, List<TableScan> tables) {
        public TaskSpec {
            tables = tables == null ? List.of() : List.copyOf(tables);
        }

        /** Every file the task reads. */
        public List<String> fileIds() {
            List<String> ids = new java.util.ArrayList<>();
            for (TableScan table : tables) {
                for (FileScan file : table.files()) {
                    ids.add(file.fileId());
                    if (file.deletes() != null) {
                        ids.add(file.deletes());
                    }
                }
            }
            return ids;
        }

        /** Which attempt of which task this is. */
        public TaskKey taskKey() {
            return new TaskKey(queryId, shardId, stream, attempt);
        }

        /** The task key as text ({@code query/shard/stream/attempt}), for logs and messages. */
        public String key() {
            return taskKey().toString();
        }
    }

    /** A table a task reads: its columns (stable id, name, DuckDB type) and the files that hold its rows on the shard. */
    public record TableScan(String name, List<ColumnScan> columns, List<FileScan> files) {
        public TableScan {
            columns = List.copyOf(columns);
            files = List.copyOf(files);
        }
    }

    /** A column of a scanned table; {@code defaultValue} is what files written before it was added read (null: NULL). */
    public record ColumnScan(int id, String name, String type, String defaultValue) {
        public ColumnScan(int id, String name, String type) {
            this(id, name, type, null);
        }
    }

    /** A data file with the column ids it holds and, when rows of it were deleted, its delete file. */
    public record FileScan(String fileId, List<Integer> columnIds, String deletes) {
        public FileScan {
            columnIds = List.copyOf(columnIds);
        }
    }

    /**
     * Everything the coordinator has for a worker at this poll: shards to download and to drop, tasks to run, queries
     * and single task attempts to cancel (an attempt is cancelled when a duplicate of it answered first or it was given
     * up), and whether the worker is to drain: finish its tasks, hand its shards over, and leave.
     */
    public record PollReply(List<FileGrant> grants, List<String> revoked, List<TaskSpec> tasks, List<String> cancelledQueries,
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

    /** The worker downloaded and verified a file and asks to prove possession. */
    public record FileReady(String workerId, String fileId) implements Message {
    }

    /** A fresh single-use nonce: answer with SHA-256(nonce ‖ file bytes). */
    public record Challenge(String fileId, String nonce) implements Message {
    }

    public record FileProof(String workerId, String fileId, String nonce, String digest) implements Message {
    }

    /** The worker refused a file (its bytes did not match the expected hash, or it could not be opened). */
    public record FileRejected(String workerId, String fileId, String reason) implements Message {
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

    /**
     * @param id            the coordinator's id for this registration ({@code w1}, {@code w2}, …), never reused: names are
     *                      labels the worker chose, ids are the identity
     * @param address       the worker's network address as the coordinator saw its connection (host:port), or empty
     * @param pid           the process id the worker reported (a claim, like its name)
     * @param certified     the worker presented a certificate of the cluster CA naming it ({@code --worker-mtls})
     * @param duplicateName another worker that is not gone registered under the same name
     */
    public record WorkerView(String id, String name, String state, List<String> assigned, List<String> trusted,
            long lastHeartbeatMillisAgo, int cpus, long memoryBytes, int runningTasks, String version, String address,
            long pid, boolean certified, boolean duplicateName) {
        public WorkerView(String id, String name, String state, List<String> assigned, List<String> trusted,
                long lastHeartbeatMillisAgo, int cpus, long memoryBytes, int runningTasks, String version,
                String address) {
            this(id, name, state, assigned, trusted, lastHeartbeatMillisAgo, cpus, memoryBytes, runningTasks, version,
                    address, 0, false, false);
        }
    }

    /**
     * A shard at the current version: how many files and bytes it has (a replicated table's files count in every
     * shard) and the workers that proved all of them.
     */
    public record ShardView(String id, int files, long size, List<String> trustedOn) {
    }

    public record ClusterStatus(List<WorkerView> workers, List<ShardView> shards) implements Message {
        /** True when every shard is proven on at least one worker. */
        public boolean allShardsServed() {
            return shards.stream().allMatch(s -> !s.trustedOn().isEmpty());
        }
    }
}
