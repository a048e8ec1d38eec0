package io.mallard.coordinator.query;

import io.mallard.common.ErrorCode;
import io.mallard.common.MallardException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A cap on the queries running at once, with a first-come, first-served queue: a burst of clients costs latency, not
 * errors. A queued query waits in its own call's thread until it is first in line and a place is free, or until it is
 * stopped (cancelled, timed out).
 */
final class AdmissionQueue {
    private final int capacity;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    /** Guarded by the lock. */
    private final Deque<Ticket> waiting = new ArrayDeque<>();
    /** Guarded by the lock. */
    private int running;
    private final Map<String, Ticket> queued = new ConcurrentHashMap<>();

    /** A query's place: in the queue, then running until it {@link #leave}s. */
    static final class Ticket {
        final String queryId;
        /** Guarded by the queue's lock. */
        private MallardException stopped;
        private boolean admitted;

        private Ticket(String queryId) {
            this.queryId = queryId;
        }
    }

    AdmissionQueue(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("at least one query must be able to run");
        }
        this.capacity = capacity;
    }

    /** Waits for the query's turn; throws the reason it was stopped while it waited. */
    Ticket enter(String queryId) {
        Ticket ticket = new Ticket(queryId);
        lock.lock();
        try {
            waiting.addLast(ticket);
            queued.put(queryId, ticket);
            while (waiting.peekFirst() != ticket || running >= capacity) {
                if (ticket.stopped != null) {
                    throw ticket.stopped;
                }
                changed.await();
            }
            if (ticket.stopped != null) {
                throw ticket.stopped;
            }
            waiting.removeFirst();
            running++;
            ticket.admitted = true;
            changed.signalAll(); // the next in line may fit as well
            return ticket;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MallardException(ErrorCode.QUERY_CANCELLED, "query " + queryId + " was interrupted while queued");
        } finally {
            if (!ticket.admitted && waiting.remove(ticket)) {
                changed.signalAll();
            }
            queued.remove(queryId);
            lock.unlock();
        }
    }

    /** The query ended: its place is free for the next in line. Idempotent. */
    void leave(Ticket ticket) {
        lock.lock();
        try {
            if (ticket.admitted) {
                ticket.admitted = false;
                running--;
                changed.signalAll();
            }
        } finally {
            lock.unlock();
        }
    }

    /** Stops a query that waits in the queue (it throws {@code why}); false if it does not wait. */
    boolean stop(String queryId, MallardException why) {
        Ticket ticket = queued.get(queryId);
        if (ticket == null) {
            return false;
        }
        lock.lock();
        try {
            if (ticket.admitted || !waiting.contains(ticket)) {
                return false;
            }
            if (ticket.stopped == null) {
                ticket.stopped = why;
            }
            changed.signalAll();
            return true;
        } finally {
            lock.unlock();
        }
    }

    boolean isQueued(String queryId) {
        return queued.containsKey(queryId);
    }

    /** Queries waiting now. */
    int queued() {
        return queued.size();
    }

    /** Queries running now (admitted and not ended). */
    int running() {
        lock.lock();
        try {
            return running;
        } finally {
            lock.unlock();
        }
    }
}
