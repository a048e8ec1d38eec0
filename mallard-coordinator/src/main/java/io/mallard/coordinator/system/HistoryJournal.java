package io.mallard.coordinator.system;

import io.mallard.common.Json;
import io.mallard.common.security.OwnerOnlyFiles;
import io.mallard.coordinator.scheduling.QueryStats;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The statements finished since the history's last batch was written, one JSON line each, appended with a single
 * write as each statement ends: a coordinator killed between two batches loses none of them. Emptied to what is still
 * unwritten after each batch, and replayed (skipping what the history already has) when the coordinator starts.
 * A process crash cannot lose an appended line (the kernel has it); a power cut may, as nothing is synced.
 */
final class HistoryJournal implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(HistoryJournal.class);

    private final Path file;
    private final FileChannel channel;

    /** A {@link QueryRecord} as a journal line ({@code started} as ISO-8601 text). */
    record Entry(String queryId, String sql, String user, String session, String started, long durationMillis,
            QueryStats stats, long rows, String status, String errorCode, String error, String warning) {
        static Entry of(QueryRecord q) {
            return new Entry(q.queryId(), q.sql(), q.user(), q.session(), q.started().toString(), q.durationMillis(),
                    q.stats(), q.rows(), q.status(), q.errorCode(), q.error(), q.warning());
        }

        QueryRecord record() {
            return new QueryRecord(queryId, sql, user, session, Instant.parse(started), durationMillis, stats, rows, status,
                    errorCode, error, warning);
        }
    }

    HistoryJournal(Path file) throws IOException {
        this.file = file;
        this.channel = FileChannel.open(file, Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND), OwnerOnlyFiles.newFile(file.toAbsolutePath().getParent()));
        OwnerOnlyFiles.files(file); // a journal from an earlier version may have been created 0644
    }

    /** The statements a journal holds; a torn last line (the process died while writing it) is skipped. */
    static List<QueryRecord> read(Path file) throws IOException {
        List<QueryRecord> records = new ArrayList<>();
        if (!Files.exists(file)) {
            return records;
        }
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            if (line.isBlank()) {
                continue;
            }
            try {
                records.add(Json.fromBytes(line.getBytes(StandardCharsets.UTF_8), Entry.class).record());
            } catch (RuntimeException e) {
                LOG.warn("skipping an unreadable line of the history journal {}: {}", file, e.getMessage());
            }
        }
        return records;
    }

    /** Appends one statement with one write. */
    synchronized void append(QueryRecord query) {
        byte[] json = Json.toBytes(Entry.of(query));
        ByteBuffer line = ByteBuffer.allocate(json.length + 1).put(json).put((byte) '\n').flip();
        try {
            while (line.hasRemaining()) {
                channel.write(line);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot append to the history journal " + file, e);
        }
    }

    /** The journal now holds exactly {@code unwritten}: what the history does not have yet. */
    synchronized void rewrite(Collection<QueryRecord> unwritten) {
        try {
            channel.truncate(0);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot empty the history journal " + file, e);
        }
        unwritten.forEach(this::append);
    }

    @Override
    public synchronized void close() {
        try {
            channel.close();
        } catch (IOException e) {
            LOG.warn("closing the history journal {}: {}", file, e.getMessage());
        }
    }
}
