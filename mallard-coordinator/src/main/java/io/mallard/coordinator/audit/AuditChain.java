package io.mallard.coordinator.audit;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** Checks an audit log's hash chain from its first line to its last. */
public final class AuditChain {
    private AuditChain() {
    }

    /** The first record that breaks the chain: its line number (from 1) and why. */
    public record Break(long line, String reason) {
    }

    /** What a check found: how many records hold together, and the first break if any. */
    public record Result(long records, String lastHash, Optional<Break> firstBreak) {
        public boolean intact() {
            return firstBreak.isEmpty();
        }
    }

    /**
     * Reads {@code log} line by line: each record must parse, carry the next sequence number, name the previous
     * record's hash as {@code prev}, and hash to its own {@code hash}. Stops at the first record that does not.
     */
    public static Result verify(Path log) throws IOException {
        String expectedPrev = AuditRecord.GENESIS;
        long expectedSeq = 1;
        long lineNumber = 0;
        try (BufferedReader reader = Files.newBufferedReader(log, StandardCharsets.UTF_8)) {
            String line;
            while ((line = reader.readLine()) != null) {
                lineNumber++;
                Optional<String> problem = check(line, expectedSeq, expectedPrev);
                if (problem.isPresent()) {
                    return new Result(lineNumber - 1, expectedPrev, Optional.of(new Break(lineNumber, problem.get())));
                }
                expectedPrev = AuditRecord.parse(line).hash();
                expectedSeq++;
            }
        }
        return new Result(lineNumber, expectedPrev, Optional.empty());
    }

    private static Optional<String> check(String line, long expectedSeq, String expectedPrev) {
        AuditRecord record;
        try {
            record = AuditRecord.parse(line);
        } catch (IOException e) {
            return Optional.of("not a JSON record (" + e.getMessage().lines().findFirst().orElse("") + ")");
        }
        if (record.hash() == null || !record.hash().equals(record.computeHash())) {
            return Optional.of("its hash does not match its content (the record was changed)");
        }
        if (!expectedPrev.equals(record.prev())) {
            return Optional.of("its prev does not match the hash of the record before it (a record was removed, "
                    + "inserted or moved)");
        }
        if (record.seq() != expectedSeq) {
            return Optional.of("sequence number " + record.seq() + " where " + expectedSeq + " was expected");
        }
        return Optional.empty();
    }
}
