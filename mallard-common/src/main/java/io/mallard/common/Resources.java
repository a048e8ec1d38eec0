package io.mallard.common;

import java.util.ArrayDeque;
import java.util.Deque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A stack of resources that close in the reverse of the order they were pushed: push a connection, then the statement
 * made from it, then its result set, and closing releases the result set first and the connection last. One failing
 * resource does not keep the others open: the first failure is thrown once all are closed, later ones are attached to
 * it as suppressed and logged. Not thread-safe: one owner pushes and closes.
 */
public final class Resources implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Resources.class);

    private final Deque<AutoCloseable> stack = new ArrayDeque<>();

    /** Pushes {@code resource} and returns it, so that it can be made and registered in one expression. */
    public <T extends AutoCloseable> T push(T resource) {
        stack.push(resource);
        return resource;
    }

    /** Pushes a clean-up step that cannot fail. */
    public void onClose(Runnable step) {
        stack.push(step::run);
    }

    /** Hands every resource over to a new stack (same order) and leaves this one empty: ownership moves, say to a result. */
    public Resources transfer() {
        Resources taker = new Resources();
        taker.stack.addAll(stack);
        stack.clear();
        return taker;
    }

    public boolean isEmpty() {
        return stack.isEmpty();
    }

    /**
     * Closes everything, last pushed first. Throws the first failure (as is if unchecked, else wrapped in an
     * {@link IllegalStateException}) with the later ones suppressed in it. Closing again does nothing.
     */
    @Override
    public void close() {
        Exception first = closeAll(null);
        if (first instanceof RuntimeException unchecked) {
            throw unchecked;
        }
        if (first != null) {
            throw new IllegalStateException(first.getMessage(), first);
        }
    }

    /**
     * Closes everything after {@code primary} went wrong: failures while closing are attached to it as suppressed and
     * logged, never thrown, so that {@code primary} is what the caller reports.
     */
    public void closeAfter(Throwable primary) {
        closeAll(primary);
    }

    private Exception closeAll(Throwable primary) {
        Exception first = null;
        for (AutoCloseable resource; (resource = stack.poll()) != null; ) {
            try {
                resource.close();
            } catch (Exception e) {
                Throwable holder = primary != null ? primary : first;
                if (holder == null) {
                    first = e;
                } else {
                    if (e != holder) {
                        holder.addSuppressed(e);
                    }
                    LOG.debug("a further failure while closing: {}", e.toString());
                }
            }
        }
        return first;
    }
}
