package io.mallard.coordinator.catalog;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fault injection for crash tests, off unless configured: with the system property {@value #PROPERTY} (or the
 * environment variable {@value #VARIABLE}) set to a comma-separated list of {@code KIND} or {@code KIND:table} (for
 * example {@code DELETE:events,COMPACT:events}), a commit of that kind (of that table) stops right before it is
 * recorded, with its files already in the store, logs {@value #MARKER} and waits until its client cancels the statement
 * or ten minutes have passed. A test kills the coordinator while it waits, or cancels the statement. Never set it in
 * production: every matching change would hang.
 */
final class FaultInjection {
    static final String PROPERTY = "mallard.fault.pauseBeforeCommit";
    static final String VARIABLE = "MALLARD_FAULT_PAUSE_BEFORE_COMMIT";
    /** What the log line starts with, for tests that wait for it. */
    static final String MARKER = "fault injection: pausing before commit";
    private static final long PAUSE_MILLIS = 600_000;
    private static final Logger LOG = LoggerFactory.getLogger(FaultInjection.class);

    private record Rule(String kind, String table) {
        boolean matches(Change change) {
            return kind.equalsIgnoreCase(change.kind())
                    && (table == null || change.tableName() != null && table.equalsIgnoreCase(change.tableName()));
        }
    }

    private final List<Rule> rules;

    private FaultInjection(List<Rule> rules) {
        this.rules = List.copyOf(rules);
    }

    /** Off. */
    static FaultInjection none() {
        return new FaultInjection(List.of());
    }

    /** The rules of the system property, else of the environment variable; none when neither is set. */
    static FaultInjection fromEnvironment() {
        String spec = System.getProperty(PROPERTY, System.getenv(VARIABLE));
        if (spec == null || spec.isBlank()) {
            return none();
        }
        List<Rule> rules = new ArrayList<>();
        for (String entry : spec.split(",")) {
            String e = entry.strip();
            if (e.isEmpty()) {
                continue;
            }
            int colon = e.indexOf(':');
            rules.add(colon < 0 ? new Rule(e.toUpperCase(Locale.ROOT), null)
                    : new Rule(e.substring(0, colon).strip(), e.substring(colon + 1).strip()));
        }
        LOG.warn("fault injection is on: commits matching {} will pause before they are recorded", spec);
        return new FaultInjection(rules);
    }

    /** Pauses a matching commit (see the class comment); returns at once for any other. */
    void beforeCommit(long version, Change change, Cancellation cancellation) {
        if (rules.stream().noneMatch(r -> r.matches(change))) {
            return;
        }
        LOG.warn("{} of version {} ({} on {}, {} rows added, {} removed)", MARKER, version, change.kind(),
                change.tableName(), change.rowsAdded(), change.rowsRemoved());
        try {
            (cancellation == null ? new Cancellation() : cancellation).await(PAUSE_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
