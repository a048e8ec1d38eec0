package io.mallard.coordinator.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The audit log's chain holds over what the log writes, across a reopen, and breaks at the first tampered line. */
class AuditChainTest {
    @TempDir
    Path dir;

    private Path log;
    private List<String> lines;

    @BeforeEach
    void writeLog() throws Exception {
        log = dir.resolve("audit").resolve("audit.log");
        try (AuditLog audit = AuditLog.open(log, AuditIndex.NONE)) {
            audit.append("login", "alice", "127.0.0.1:5000", null, "ok", null, null);
            audit.append("statement", "alice", "127.0.0.1:5000", "SELECT 1", "ok", null, null);
            audit.append("login", "bob", "127.0.0.1:5001", null, "refused", "AUTHENTICATION_FAILED", "wrong password");
        }
        try (AuditLog reopened = AuditLog.open(log, AuditIndex.NONE)) { // continues the chain after a restart
            reopened.append("users", "admin", "127.0.0.1:5002", "CREATE USER carl WITH PASSWORD '***'", "ok", null, null);
            reopened.append("statement", "bob", "127.0.0.1:5003", "SELECT \"quoted\"\n, 'é'", "failed",
                    "TABLE_NOT_FOUND", "no table x");
        }
        lines = Files.readAllLines(log, StandardCharsets.UTF_8);
    }

    @Test
    void anUntouchedLogHoldsTogetherAndIsTheOwnersAlone() throws Exception {
        AuditChain.Result result = AuditChain.verify(log);
        assertThat(result.intact()).as(result.toString()).isTrue();
        assertThat(result.records()).isEqualTo(5);
        assertThat(lines).hasSize(5);
        AuditRecord first = AuditRecord.parse(lines.get(0));
        assertThat(first.seq()).isEqualTo(1);
        assertThat(first.prev()).isEqualTo(AuditRecord.GENESIS);
        AuditRecord fourth = AuditRecord.parse(lines.get(3));
        assertThat(fourth.prev()).isEqualTo(AuditRecord.parse(lines.get(2)).hash());
        assertThat(fourth.statement()).isEqualTo("CREATE USER carl WITH PASSWORD '***'");
        assertThat(AuditRecord.parse(lines.get(4)).statement()).isEqualTo("SELECT \"quoted\"\n, 'é'");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(log))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(log.getParent()))).isEqualTo("rwx------");
    }

    @Test
    void anEditedRecordIsFoundAtItsLine() throws Exception {
        List<String> edited = new ArrayList<>(lines);
        edited.set(2, edited.get(2).replace("\"user\":\"bob\"", "\"user\":\"eve\""));
        assertThat(edited.get(2)).isNotEqualTo(lines.get(2));
        assertBreak(edited, 3, "hash does not match");
    }

    @Test
    void anEditedRecordWhoseHashIsRecomputedBreaksTheNextLink() throws Exception {
        List<String> edited = new ArrayList<>(lines);
        AuditRecord r = AuditRecord.parse(lines.get(1));
        edited.set(1, new AuditRecord(r.seq(), r.time(), r.event(), r.user(), r.source(), "SELECT 2", r.outcome(),
                r.errorCode(), r.detail(), r.prev(), null).sealed().line());
        assertBreak(edited, 3, "prev does not match");
    }

    @Test
    void aRemovedRecordIsFound() throws Exception {
        List<String> removed = new ArrayList<>(lines);
        removed.remove(1);
        assertBreak(removed, 2, "prev does not match");
    }

    @Test
    void reorderedRecordsAreFound() throws Exception {
        List<String> reordered = new ArrayList<>(lines);
        reordered.set(1, lines.get(2));
        reordered.set(2, lines.get(1));
        assertBreak(reordered, 2, "prev does not match");
    }

    @Test
    void aLineThatIsNoRecordIsFound() throws Exception {
        List<String> garbled = new ArrayList<>(lines);
        garbled.add(3, "{not json");
        assertBreak(garbled, 4, "not a JSON record");
    }

    private void assertBreak(List<String> content, long line, String reason) throws Exception {
        Files.write(log, content, StandardCharsets.UTF_8);
        AuditChain.Result result = AuditChain.verify(log);
        assertThat(result.intact()).isFalse();
        assertThat(result.firstBreak().orElseThrow().line()).isEqualTo(line);
        assertThat(result.firstBreak().orElseThrow().reason()).contains(reason);
        assertThat(result.records()).isEqualTo(line - 1);
    }
}
