package io.mallard.coordinator.audit;

import java.util.List;

/** Where audit records are copied so SQL can read them ({@code mallard.audit}); the log file stays the record. */
public interface AuditIndex {
    /** The highest sequence number copied so far; 0 when none. */
    long lastSeq();

    /** Forgets every copied record (the log was replaced by a shorter one). */
    void clear();

    /** Copies records, in order. */
    void append(List<AuditRecord> records);

    /** An index that keeps nothing, for tests of the log alone. */
    AuditIndex NONE = new AuditIndex() {
        @Override
        public long lastSeq() {
            return 0;
        }

        @Override
        public void clear() {
        }

        @Override
        public void append(List<AuditRecord> records) {
        }
    };
}
