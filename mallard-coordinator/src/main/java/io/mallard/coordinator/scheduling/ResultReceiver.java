package io.mallard.coordinator.scheduling;

import io.mallard.common.ErrorCode;
import io.mallard.common.MallardException;
import io.mallard.coordinator.cluster.WorkerRegistry;
import io.mallard.coordinator.combine.ShardStream;
import io.mallard.protocol.BatchTag;
import io.mallard.protocol.Messages;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Schema;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes a worker's DoPut: the answers of one or more tasks of one query's stream ({@link Messages.TaskResult}). Each
 * task must be an open attempt given to that worker, uploaded once; with several tasks every batch carries a
 * {@link BatchTag} naming its task, and each task ends with an end tag. Batches go to the task's {@link ShardStream} as
 * they arrive. A broken upload fails the query as WORKER_FAILED, naming worker and shard.
 */
final class ResultReceiver {
    private static final Logger LOG = LoggerFactory.getLogger(ResultReceiver.class);

    private final WorkerRegistry registry;

    ResultReceiver(WorkerRegistry registry) {
        this.registry = registry;
    }

    /** Runs on the Flight handler thread until the stream ends. {@code query} is null when it is not running. */
    void accept(DistributedQuery query, String workerId, Messages.TaskResult header, FlightStream stream) {
        List<ShardSlot> slots = claim(query, workerId, header);
        ShardSlot current = slots.get(0);
        try {
            VectorSchemaRoot root = stream.getRoot();
            Schema schema = ShardStream.schemaAsSent(root.getSchema(), stream.getDictionaryProvider());
            if (slots.size() > 1 && schema.getFields().stream().anyMatch(f -> f.getDictionary() != null)) {
                throw new MallardException(ErrorCode.PROTOCOL_ERROR, "an upload of several tasks cannot carry dictionaries");
            }
            ShardSlot first = query.firstOf(header.stream());
            for (ShardSlot slot : slots) {
                slot.answer.open(schema);
                Schema expected = slot == first ? null : first.answer.knownSchema().orElse(null);
                if (expected != null && !expected.equals(schema)) {
                    throw new MallardException(ErrorCode.INTERNAL_ERROR, "shard " + slot.shardId + " returned schema "
                            + schema + " but shard " + first.shardId + " returned " + expected);
                }
            }
            while (stream.next()) {
                if (query.failure() != null) {
                    continue; // drain what is in flight; the query is over
                }
                BatchTag tag = tagOf(stream, slots.size());
                if (tag != null) {
                    current = slotAt(slots, tag.taskIndex(), workerId);
                }
                if (current.done()) {
                    throw new MallardException(ErrorCode.PROTOCOL_ERROR, "shard " + current.shardId + " was already ended");
                }
                if (tag != null && tag.end()) {
                    end(query, current, workerId);
                } else {
                    current.answer.add(root, stream.getDictionaryProvider());
                }
            }
            for (ShardSlot slot : slots) {
                if (!slot.done() && query.failure() == null) {
                    if (slots.size() > 1) {
                        throw new MallardException(ErrorCode.WORKER_FAILED, "worker " + registry.label(workerId)
                                + " ended its upload before the end of shard " + slot.shardId);
                    }
                    end(query, slot, workerId);
                }
            }
        } catch (RuntimeException e) {
            MallardException failure = e instanceof MallardException m && m.code() != ErrorCode.INTERNAL_ERROR ? m
                    : new MallardException(ErrorCode.WORKER_FAILED, "worker " + registry.label(workerId)
                            + " failed while sending the result of shard " + current.shardId + ": " + rootMessage(e), e);
            if (query.fail(failure)) {
                LOG.warn("query {} failed: {}", query.id, failure.getMessage());
            }
            throw failure;
        } finally {
            for (ShardSlot slot : slots) {
                if (!slot.done()) {
                    registry.taskFinished(workerId, slot.taskKey());
                }
                if (query.failure() != null) {
                    slot.answer.discard();
                }
            }
        }
    }

    /** The slots the upload answers, marked as uploading; PROTOCOL_ERROR unless each is an open attempt of this worker. */
    private static List<ShardSlot> claim(DistributedQuery query, String workerId, Messages.TaskResult header) {
        List<ShardSlot> slots = new ArrayList<>(header.tasks().size());
        for (int i = 0; i < header.tasks().size(); i++) {
            Messages.TaskRef task = header.tasks().get(i);
            ShardSlot slot = query == null ? null : query.slot(header.stream(), task.shardId());
            if (slot == null || !workerId.equals(slot.workerId) || slot.attempt != task.attempt() || slot.uploading
                    || slots.contains(slot)) {
                throw new MallardException(ErrorCode.PROTOCOL_ERROR, "no open task " + header.taskKey(i)
                        + " for worker " + workerId);
            }
            slots.add(slot);
        }
        if (slots.isEmpty()) {
            throw new MallardException(ErrorCode.PROTOCOL_ERROR, "an upload of worker " + workerId + " names no task");
        }
        slots.forEach(slot -> slot.uploading = true);
        return slots;
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

    private static ShardSlot slotAt(List<ShardSlot> slots, int index, String workerId) {
        if (index >= slots.size()) {
            throw new MallardException(ErrorCode.PROTOCOL_ERROR, "worker " + workerId + " tagged a batch with unknown task '"
                    + index + "'");
        }
        return slots.get(index);
    }

    /** The end of one shard's answer: the combine may read past it, and its worker has one task less. */
    private void end(DistributedQuery query, ShardSlot slot, String workerId) {
        slot.answer.end();
        registry.taskFinished(workerId, slot.taskKey());
        LOG.debug("query {} shard {} done after {} us", query.id, slot.shardId, (System.nanoTime() - query.startNanos) / 1000);
    }

    private static String rootMessage(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    }
}
