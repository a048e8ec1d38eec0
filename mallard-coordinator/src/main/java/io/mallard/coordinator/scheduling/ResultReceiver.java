package io.mallard.coordinator.scheduling;

import io.mallard.common.ErrorCode;
import io.mallard.common.MallardException;
import io.mallard.coordinator.cluster.WorkerRegistry;
import io.mallard.coordinator.combine.ShardStream;
import io.mallard.protocol.BatchTag;
import io.mallard.protocol.Messages;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.arrow.flight.CallStatus;
import org.apache.arrow.flight.FlightRuntimeException;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Schema;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes a worker's DoPut: the answers of one or more task attempts of one query's stream ({@link Messages.TaskResult}).
 * Each must be an attempt given to that worker, uploaded once; with several tasks every batch carries a
 * {@link BatchTag} naming its task, and each task ends with an end tag. Batches go to the attempt's buffer in the
 * task's {@link ShardStream}; an attempt that ends first answers its shard. An attempt that can no longer answer (it was
 * given up, or a duplicate answered first) is still read to its end, and its batches are dropped. A broken upload is
 * the worker's failure: its unfinished tasks run elsewhere ({@link Retries}), or the query fails naming worker and shard.
 */
final class ResultReceiver {
    private static final Logger LOG = LoggerFactory.getLogger(ResultReceiver.class);

    private final WorkerRegistry registry;
    private final Retries retries;
    /** The threads taking uploads now, by query: when the query ends, a thread still waiting for its next batch is woken. */
    private final Map<DistributedQuery, Set<Thread>> receiving = new HashMap<>();

    /** One task of an upload: its slot, the attempt uploading, and whether the upload ended it. */
    private static final class Claim {
        final ShardSlot slot;
        final int attempt;
        boolean ended;

        Claim(ShardSlot slot, int attempt) {
            this.slot = slot;
            this.attempt = attempt;
        }
    }

    ResultReceiver(WorkerRegistry registry, Retries retries) {
        this.registry = registry;
        this.retries = retries;
    }

    /** Runs on the Flight handler thread until the stream ends. {@code query} is null when it is not running. */
    void accept(DistributedQuery query, String workerId, Messages.TaskResult header, FlightStream stream) {
        List<Claim> claims = claim(query, workerId, header);
        synchronized (receiving) {
            receiving.computeIfAbsent(query, q -> new HashSet<>()).add(Thread.currentThread());
        }
        try {
            receive(query, workerId, header, stream, claims);
        } finally {
            synchronized (receiving) {
                Set<Thread> threads = receiving.get(query);
                threads.remove(Thread.currentThread());
                if (threads.isEmpty()) {
                    receiving.remove(query);
                }
            }
            Thread.interrupted(); // a wake-up from abandon() that came as the upload ended anyway
        }
    }

    /**
     * The query ended: uploads still waiting for a batch are woken and end. A worker's message that the coordinator
     * could not take (its memory was used up) leaves the upload waiting forever inside Flight otherwise.
     */
    void abandon(DistributedQuery query) {
        synchronized (receiving) {
            receiving.getOrDefault(query, Set.of()).forEach(Thread::interrupt);
        }
    }

    private void receive(DistributedQuery query, String workerId, Messages.TaskResult header, FlightStream stream,
            List<Claim> claims) {
        Claim current = claims.get(0);
        try {
            VectorSchemaRoot root = stream.getRoot();
            Schema schema = ShardStream.schemaAsSent(root.getSchema(), stream.getDictionaryProvider());
            java.util.Optional<String> nested = io.mallard.common.duck.DuckArrow.nestedDictionaryColumn(schema);
            if (nested.isPresent()) {
                throw new MallardException(ErrorCode.NOT_DISTRIBUTED_YET, "column " + nested.get() + " holds ENUM values "
                        + "inside a LIST, STRUCT, MAP or ARRAY, which the coordinator cannot combine yet (DuckDB 2.0.0 "
                        + "fails on them); cast them to text in the query, as in " + nested.get() + "::VARCHAR[] for a "
                        + "list");
            }
            if (claims.size() > 1 && schema.getFields().stream().anyMatch(f -> f.getDictionary() != null)) {
                throw new MallardException(ErrorCode.PROTOCOL_ERROR, "an upload of several tasks cannot carry dictionaries");
            }
            ShardSlot first = query.firstOf(header.stream());
            for (Claim claim : claims) {
                claim.slot.answer.open(claim.attempt, schema);
                Schema expected = claim.slot == first ? null : first.answer.knownSchema().orElse(null);
                if (expected != null && !expected.equals(schema)) {
                    throw new MallardException(ErrorCode.INTERNAL_ERROR, "shard " + claim.slot.shardId + " returned schema "
                            + schema + " but shard " + first.shardId + " returned " + expected);
                }
            }
            while (stream.next()) {
                if (query.failure() != null) {
                    continue; // drain what is in flight; the query is over
                }
                BatchTag tag = tagOf(stream, claims.size());
                if (tag != null) {
                    current = claimAt(claims, tag.taskIndex(), workerId);
                }
                if (current.ended) {
                    throw new MallardException(ErrorCode.PROTOCOL_ERROR, "shard " + current.slot.shardId + " was already ended");
                }
                if (tag != null && tag.end()) {
                    end(query, current, workerId);
                } else {
                    // false when the attempt can no longer answer: read on, the upload may carry other tasks
                    current.slot.answer.add(current.attempt, root, stream.getDictionaryProvider());
                }
            }
            for (Claim claim : claims) {
                if (!claim.ended && query.failure() == null) {
                    if (claims.size() > 1) {
                        throw new MallardException(ErrorCode.WORKER_FAILED, "worker " + registry.label(workerId)
                                + " ended its upload before the end of shard " + claim.slot.shardId);
                    }
                    end(query, claim, workerId);
                }
            }
        } catch (RuntimeException e) {
            MallardException failure = failureOf(e, workerId, current);
            if (Retries.isWorkersFault(failure)) {
                for (Claim claim : claims) {
                    if (!claim.ended) {
                        retries.attemptFailed(query, claim.slot, claim.attempt, workerId, claim == current ? failure
                                : new MallardException(failure.code(), "worker " + registry.label(workerId)
                                        + " broke off its upload before the end of shard " + claim.slot.shardId + ": "
                                        + failure.getMessage(), failure));
                    }
                }
            } else if (query.fail(failure)) {
                LOG.warn("query {} failed: {}", query.id, failure.getMessage());
            }
            throw failure;
        } finally {
            for (Claim claim : claims) {
                if (!claim.ended && claim.slot.attemptFailed(claim.attempt)) {
                    registry.taskFinished(workerId, claim.slot.taskKey(claim.attempt));
                }
                if (query.failure() != null) {
                    claim.slot.answer.discard();
                }
            }
        }
    }

    /** What a failed upload means for its query: the worker's failure, unless it is a coded error of its own kind. */
    private MallardException failureOf(RuntimeException e, String workerId, Claim current) {
        if (e instanceof MallardException m && m.code() != ErrorCode.INTERNAL_ERROR) {
            return m;
        }
        if (outOfMemory(e)) {
            // the coordinator's own budget, not the worker's fault: another replica would not help
            return new MallardException(ErrorCode.OUT_OF_MEMORY, "the coordinator's memory for query data is used up "
                    + "(receiving shard " + current.slot.shardId + " from worker " + registry.label(workerId) + "): "
                    + rootMessage(e), e);
        }
        String why = e instanceof FlightRuntimeException f && f.status().code() == CallStatus.CANCELLED.code()
                ? "the worker closed or lost its connection" : rootMessage(e);
        return new MallardException(ErrorCode.WORKER_FAILED, "worker " + registry.label(workerId)
                + " failed while sending the result of shard " + current.slot.shardId + ": " + why, e);
    }

    /**
     * The attempts the upload answers, marked as uploading; PROTOCOL_ERROR unless each is an attempt handed to this
     * worker and not uploaded before. An attempt that can no longer answer is accepted and read to its end.
     */
    private static List<Claim> claim(DistributedQuery query, String workerId, Messages.TaskResult header) {
        List<Claim> claims = new ArrayList<>(header.tasks().size());
        List<TaskAttempt> attempts = new ArrayList<>(header.tasks().size());
        for (int i = 0; i < header.tasks().size(); i++) {
            Messages.TaskRef task = header.tasks().get(i);
            ShardSlot slot = query == null ? null : query.slot(header.stream(), task.shardId());
            TaskAttempt attempt = slot == null ? null : slot.attempt(task.attempt());
            if (attempt == null || !workerId.equals(attempt.workerId) || attempt.uploading || attempts.contains(attempt)) {
                throw new MallardException(ErrorCode.PROTOCOL_ERROR, "no open task " + header.taskKey(i)
                        + " for worker " + workerId);
            }
            attempts.add(attempt);
            claims.add(new Claim(slot, attempt.number));
        }
        if (claims.isEmpty()) {
            throw new MallardException(ErrorCode.PROTOCOL_ERROR, "an upload of worker " + workerId + " names no task");
        }
        attempts.forEach(attempt -> attempt.uploading = true);
        return claims;
    }

    /** The batch's tag; null for an untagged batch, which only an upload of one task may send. */
    private static BatchTag tagOf(FlightStream stream, int tasks) {
        ArrowBuf metadata = stream.getLatestMetadata();
        if (metadata == null) {
            if (tasks > 1) {
                throw new MallardException(ErrorCode.PROTOCOL_ERROR, "a batch of an upload of several tasks names no task");
            }
            return null;
        }
        byte[] bytes = new byte[(int) metadata.readableBytes()];
        metadata.getBytes(0, bytes);
        return BatchTag.decode(bytes);
    }

    private static Claim claimAt(List<Claim> claims, int index, String workerId) {
        if (index >= claims.size()) {
            throw new MallardException(ErrorCode.PROTOCOL_ERROR, "worker " + workerId + " tagged a batch with unknown task '"
                    + index + "'");
        }
        return claims.get(index);
    }

    /**
     * The end of one attempt's answer: if it is the first to end, the combine may read past its shard and the other
     * attempts of the task are cancelled; its worker has one task less either way.
     */
    private void end(DistributedQuery query, Claim claim, String workerId) {
        claim.ended = true;
        List<TaskAttempt> others = claim.slot.attemptAnswered(claim.attempt);
        registry.taskFinished(workerId, claim.slot.taskKey(claim.attempt));
        if (others != null) {
            retries.cancel(claim.slot, others);
            LOG.debug("query {} shard {} answered by attempt {} after {} us", query.id, claim.slot.shardId, claim.attempt,
                    (System.nanoTime() - query.startNanos) / 1000);
        }
    }

    private static boolean outOfMemory(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof org.apache.arrow.memory.OutOfMemoryException || c instanceof OutOfMemoryError) {
                return true;
            }
        }
        return false;
    }

    private static String rootMessage(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    }
}
