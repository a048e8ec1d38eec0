package io.mallard.worker;

import io.mallard.common.ErrorCode;
import io.mallard.common.MallardException;
import io.mallard.protocol.BatchTag;
import io.mallard.protocol.Codec;
import io.mallard.protocol.Messages;
import io.mallard.protocol.Messages.TaskSpec;
import java.util.List;
import java.util.function.Function;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorLoader;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.VectorUnloader;
import org.apache.arrow.vector.ipc.message.ArrowRecordBatch;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.arrow.flight.FlightDescriptor;

/**
 * One DoPut carrying the answers of several tasks of one query's stream, each batch tagged with its task. The tasks run
 * on several threads; each send holds this object's lock only while its batch is copied and handed to gRPC, and a
 * broken or stalled upload ends that wait (see {@link Upload}), so no thread can hold the lock forever.
 */
final class SharedUpload implements AutoCloseable {
    final String workerId;
    private final List<TaskSpec> tasks;
    private final BufferAllocator allocator;
    /** Opens the DoPut for the header and root, registered with the runner so that it can be abandoned. */
    private final Function<Opening, Upload> opener;
    private VectorSchemaRoot root;
    private Upload upload;
    /** Tasks that stopped early because the coordinator cancelled just them, not yet ended on the upload. */
    private final java.util.Set<Integer> withdrawn = new java.util.TreeSet<>();
    private boolean finished;
    private boolean closed;

    /** What {@link #opener} needs to start the DoPut. */
    record Opening(FlightDescriptor descriptor, VectorSchemaRoot root, String label) {
    }

    SharedUpload(String workerId, List<TaskSpec> tasks, BufferAllocator allocator, Function<Opening, Upload> opener) {
        this.workerId = workerId;
        this.tasks = tasks;
        this.allocator = allocator;
        this.opener = opener;
    }

    /** The DoPut, once the first answer opened it. */
    synchronized java.util.Optional<Upload> current() {
        return java.util.Optional.ofNullable(upload);
    }

    /** Opens the upload with the first answer's schema; a later answer must have the same. */
    synchronized void open(Schema schema, TaskSpec task) {
        checkOpen();
        if (upload != null) {
            if (!schema.equals(root.getSchema())) {
                throw new MallardException(ErrorCode.INTERNAL_ERROR, "shard " + task.shardId() + " answered with schema "
                        + schema + ", unlike the other shards' " + root.getSchema());
            }
            return;
        }
        TaskSpec first = tasks.get(0);
        Messages.TaskResult header = new Messages.TaskResult(workerId, first.queryId(), first.stream(),
                tasks.stream().map(t -> new Messages.TaskRef(t.shardId(), t.attempt())).toList());
        root = VectorSchemaRoot.create(schema, allocator);
        upload = opener.apply(new Opening(FlightDescriptor.command(Codec.encode(header)), root,
                first.queryId() + "/" + first.stream()));
    }

    /** Sends the batch loaded in {@code answer} as task {@code index}'s. */
    synchronized void send(VectorSchemaRoot answer, int index, Runnable cancelled) {
        checkOpen();
        try (ArrowRecordBatch batch = new VectorUnloader(answer).getRecordBatch()) {
            new VectorLoader(root).load(batch);
        }
        upload.send(BatchTag.batch(index).encode(), cancelled);
    }

    /** An empty batch that ends task {@code index}. */
    synchronized void end(int index, Runnable cancelled) {
        checkOpen();
        root.clear();
        root.setRowCount(0);
        upload.send(BatchTag.end(index).encode(), cancelled);
    }

    /**
     * Task {@code index} stopped early because the coordinator cancelled that attempt (a duplicate answered first): it
     * is ended on the upload as the receiver expects, and the coordinator, which no longer counts that attempt, drops
     * whatever it sent. Its end goes out when the upload completes (never, if no task ever opened it).
     */
    synchronized void withdraw(int index) {
        withdrawn.add(index);
    }

    synchronized void complete() {
        if (upload != null) {
            for (int index : withdrawn) {
                end(index, () -> { });
            }
            upload.complete();
        }
        finished = true;
    }

    synchronized void abort(MallardException why) {
        if (upload != null) {
            upload.abort(why);
        }
        finished = true;
    }

    /** A task still running after the group broke off (an earlier task failed) must not write to a closed root. */
    private void checkOpen() {
        if (finished || closed) {
            throw new Upload.Broken("the upload of this stream has ended", null);
        }
    }

    @Override
    public synchronized void close() {
        closed = true;
        if (!finished && upload != null) {
            upload.abort(new MallardException(ErrorCode.WORKER_FAILED, "the worker stopped sending its answers"));
        }
        if (root != null) {
            root.close();
        }
    }
}
