package io.mallard.coordinator.audit;

import io.mallard.common.ErrorCode;
import io.mallard.common.MallardException;
import io.mallard.common.security.OwnerOnlyFiles;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The append-only audit log ({@code DIR/audit/audit.log}, JSON lines, 0600 in a 0700 directory): every statement,
 * login, refused token, change of users and grants, each record chained to the one before by its SHA-256
 * ({@link AuditRecord}). Each record is written with one {@code write} before the call it describes answers, so a
 * crash of the coordinator loses none; the file is forced to disk ({@code fsync}) at most once a second, when a record
 * is written, and at close, so a crash of the machine may lose the last second. Records are also copied, in batches
 * when {@code mallard.audit} is read, to an {@link AuditIndex} for SQL.
 */
public final class AuditLog implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AuditLog.class);
    /** How long written records may stay in the OS's cache before they are forced to disk. */
    static final long FORCE_MILLIS = 1000;

    private final Path file;
    private final FileChannel channel;
    private final Clock clock;
    private final AuditIndex index;
    private final ConcurrentLinkedQueue<AuditRecord> unindexed = new ConcurrentLinkedQueue<>();
    private final Object indexLock = new Object();
    /** Guarded by indexLock: records taken from the queue whose copy failed, kept in order for the next try. */
    private final List<AuditRecord> notCopied = new ArrayList<>();
    /** Guarded by this: the chain is one sequence, so records are appended one at a time. */
    private long seq;
    private String lastHash;
    private long lastForceMillis;

    private AuditLog(Path file, FileChannel channel, Clock clock, AuditIndex index, long seq, String lastHash) {
        this.file = file;
        this.channel = channel;
        this.clock = clock;
        this.index = index;
        this.seq = seq;
        this.lastHash = lastHash;
        this.lastForceMillis = clock.millis();
    }

    /**
     * Opens (creating if needed) the log at {@code file} and continues its chain from its last record; records the
     * index lacks (the coordinator stopped before copying them) are queued for it.
     */
    public static AuditLog open(Path file, AuditIndex index) throws IOException {
        return open(file, index, Clock.systemUTC());
    }

    static AuditLog open(Path file, AuditIndex index, Clock clock) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        OwnerOnlyFiles.directory(dir);
        if (!Files.exists(file)) {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        }
        OwnerOnlyFiles.files(file);
        long indexed = index.lastSeq();
        long seq = 0;
        String last = AuditRecord.GENESIS;
        List<AuditRecord> missing = new ArrayList<>();
        boolean endsWithNewline = true;
        try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            while ((line = reader.readLine()) != null) {
                try {
                    AuditRecord record = AuditRecord.parse(line);
                    seq = record.seq();
                    last = record.hash();
                    if (record.seq() > indexed) {
                        missing.add(record);
                    }
                } catch (IOException e) {
                    // a torn last write or an edit: the chain continues after it, and `mallard audit verify` shows it
                    LOG.warn("the audit log {} holds a line that is not a record: {}", file, e.getMessage());
                }
            }
        }
        if (Files.size(file) > 0) {
            try (FileChannel read = FileChannel.open(file, StandardOpenOption.READ)) {
                ByteBuffer lastByte = ByteBuffer.allocate(1);
                read.read(lastByte, read.size() - 1);
                endsWithNewline = lastByte.get(0) == '\n';
            }
        }
        if (seq < indexed) {
            index.clear(); // the log was replaced (moved away by an operator): copy it anew
            missing.clear();
            try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                    try {
                        missing.add(AuditRecord.parse(line));
                    } catch (IOException e) {
                        // warned about above
                    }
                }
            }
        }
        FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        if (!endsWithNewline) {
            channel.write(ByteBuffer.wrap(new byte[] {'\n'}));
        }
        AuditLog log = new AuditLog(file, channel, clock, index, seq, last);
        log.unindexed.addAll(missing);
        return log;
    }

    /** Where the log of a coordinator whose metadata database is {@code metadataFile} lives: audit/audit.log beside it. */
    public static Path besideMetadata(Path metadataFile) {
        return metadataFile.toAbsolutePath().getParent().resolve("audit").resolve("audit.log");
    }

    /** The log's file. */
    public Path file() {
        return file;
    }

    /**
     * Appends a record; never throws: an audit failure is logged loudly, and the call it describes goes on (the
     * alternative, refusing every statement when the disk is full, is an operator's choice Mallard does not offer yet).
     */
    public void append(String event, String user, String source, String statement, String outcome, String errorCode,
            String detail) {
        try {
            write(event, user, source, statement, outcome, errorCode, detail);
        } catch (IOException | RuntimeException e) {
            LOG.error("could not write to the audit log {}: {}", file, e.toString());
        }
    }

    /** Under the log's lock, write included: the file's order must be the chain's order. */
    private synchronized void write(String event, String user, String source, String statement, String outcome,
            String errorCode, String detail) throws IOException {
        AuditRecord record = new AuditRecord(seq + 1, Instant.ofEpochMilli(clock.millis()).toString(), event, user,
                source, statement, outcome, errorCode, detail, lastHash, null).sealed();
        ByteBuffer line = ByteBuffer.wrap((record.line() + "\n").getBytes(StandardCharsets.UTF_8));
        while (line.hasRemaining()) {
            channel.write(line);
        }
        seq = record.seq();
        lastHash = record.hash();
        unindexed.add(record);
        long now = clock.millis();
        if (now - lastForceMillis >= FORCE_MILLIS) {
            channel.force(false);
            lastForceMillis = now;
        }
    }

    /** Copies the records written since the last call to the index; before {@code mallard.audit} is read. */
    public void flushIndex() {
        synchronized (indexLock) { // not the log's lock: statements keep being audited while a batch is copied
            for (AuditRecord record = unindexed.poll(); record != null; record = unindexed.poll()) {
                notCopied.add(record);
            }
            if (notCopied.isEmpty()) {
                return;
            }
            try {
                index.append(notCopied);
                notCopied.clear();
            } catch (RuntimeException e) {
                throw new MallardException(ErrorCode.INTERNAL_ERROR, "the audit records could not be copied for SQL: "
                        + e.getMessage(), e);
            }
        }
    }

    @Override
    public synchronized void close() throws IOException {
        try {
            channel.force(false);
        } finally {
            channel.close();
        }
    }
}
