package io.mallard.coordinator.combine;

import io.mallard.common.ErrorCode;
import io.mallard.common.MallardException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.ipc.ReadChannel;
import org.apache.arrow.vector.ipc.WriteChannel;
import org.apache.arrow.vector.ipc.message.ArrowRecordBatch;
import org.apache.arrow.vector.ipc.message.MessageSerializer;

/**
 * One attempt's batches on disk, as Arrow IPC record-batch messages written in arrival order and read back in the same
 * order, once. Deleted on {@link #close()}.
 */
final class SpillFile implements AutoCloseable {
    static final String SUFFIX = ".arrow-spill";

    private final Path path;
    private final SpillArea area;
    private FileChannel channel;
    private WriteChannel out;
    private ReadChannel in;
    private int written;
    private int read;
    private boolean closed;

    SpillFile(Path path, SpillArea area) throws IOException {
        this.path = path;
        this.area = area;
        this.channel = FileChannel.open(path, StandardOpenOption.WRITE, StandardOpenOption.READ);
        this.out = new WriteChannel(channel);
    }

    /** Appends the batch (the caller still owns and closes it). */
    synchronized void write(ArrowRecordBatch batch) {
        try {
            long before = out.getCurrentPosition();
            MessageSerializer.serialize(out, batch);
            written++;
            area.written(out.getCurrentPosition() - before);
        } catch (IOException e) {
            throw new MallardException(ErrorCode.OUT_OF_MEMORY, "the coordinator's memory budget is used up and spilling "
                    + "to " + path + " failed: " + e.getMessage(), e);
        }
    }

    /** The next batch, in {@code allocator}; null after the last. The caller closes it. */
    synchronized ArrowRecordBatch next(BufferAllocator allocator) throws IOException {
        if (read == written) {
            return null;
        }
        if (in == null) {
            channel.position(0);
            in = new ReadChannel(channel);
        }
        read++;
        return MessageSerializer.deserializeRecordBatch(in, allocator);
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            channel.close();
            Files.deleteIfExists(path);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot delete the spill file " + path, e);
        } finally {
            area.deleted(this);
        }
    }

    @Override
    public String toString() {
        return path.getFileName().toString();
    }
}
