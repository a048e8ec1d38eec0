package io.mallard.worker;

import io.mallard.common.ErrorCode;
import io.mallard.common.MallardException;
import io.mallard.protocol.WireErrors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.apache.arrow.flight.CallOption;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.FlightDescriptor;
import org.apache.arrow.flight.FlightRuntimeException;
import org.apache.arrow.flight.PutResult;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.dictionary.DictionaryProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One DoPut of task answers to the coordinator, which never leaves a thread waiting forever: sending waits for gRPC's
 * flow control only while the call is alive, the query not cancelled, and the coordinator took data within the stall
 * limit. A broken call (coordinator gone, connection reset, upload refused) ends every wait at once with
 * {@link Broken}; so does {@link #abandon} (the worker registered again, so the call belongs to a coordinator session
 * that no longer exists).
 */
final class Upload {
    private static final Logger LOG = LoggerFactory.getLogger(Upload.class);

    /** The upload cannot go on: the coordinator owns the query and acts on it, so this is logged, not reported. */
    static final class Broken extends MallardException {
        private static final long serialVersionUID = 1L;

        Broken(String message, Throwable cause) {
            super(ErrorCode.WORKER_FAILED, message, cause);
        }
    }

    private final String label;
    private final long stallNanos;
    private final FlightClient.ClientStreamListener put;
    private final BufferAllocator allocator;
    private volatile Throwable failure;
    private volatile boolean endedByCoordinator;
    private volatile boolean completed;

    /**
     * @param label       how logs name the upload (a task key, or query/stream)
     * @param dictionaries the answer's dictionaries (ENUM columns), sent once at the start; null for none
     */
    Upload(FlightClient client, BufferAllocator allocator, FlightDescriptor descriptor, VectorSchemaRoot root,
            DictionaryProvider dictionaries, String label, long stallMillis, CallOption auth) {
        this.label = label;
        this.allocator = allocator;
        this.stallNanos = TimeUnit.MILLISECONDS.toNanos(stallMillis);
        Listener listener = new Listener();
        this.put = dictionaries == null ? client.startPut(descriptor, root, listener, auth)
                : client.startPut(descriptor, root, dictionaries, listener, auth);
    }

    /**
     * Sends the batch loaded in the root, once gRPC can take it.
     *
     * @param tag       the batch's app metadata (which task it belongs to), or null
     *
     * @param cancelled throws when the task's query was cancelled meanwhile
     */
    void send(byte[] tag, Runnable cancelled) {
        awaitReady(cancelled);
        if (tag == null) {
            put.putNext();
            return;
        }
        // allocated only once the call can take it: Flight owns the buffer from putNext on
        ArrowBuf metadata = allocator.buffer(tag.length);
        metadata.writeBytes(tag);
        put.putNext(metadata);
    }

    /** Ends the upload; the coordinator's acknowledgement is not waited for (it owns the query from here). */
    void complete() {
        checkAlive();
        completed = true;
        put.completed();
    }

    /** Breaks the upload off with an error the coordinator sees. Safe to call on a call that already ended. */
    void abort(Throwable why) {
        if (failure == null) {
            failure = why;
        }
        try {
            put.error(why);
        } catch (RuntimeException e) {
            LOG.debug("upload {} already ended: {}", label, e.toString());
        }
    }

    /** Ends every wait of this upload: its coordinator session is gone. */
    void abandon(String why) {
        abort(new MallardException(ErrorCode.WORKER_FAILED, why));
    }

    boolean isBroken() {
        return failure != null || endedByCoordinator;
    }

    /**
     * Flight's putNext busy-spins until gRPC can take more data, which on a small machine steals the CPU the coordinator
     * needs, and forever when nobody reads the call; waiting here with short parks, and only while the call can still
     * make progress, avoids both.
     */
    private void awaitReady(Runnable cancelled) {
        long parkNanos = 20_000;
        long since = System.nanoTime();
        while (true) {
            checkAlive();
            if (put.isReady()) {
                return;
            }
            cancelled.run();
            if (System.nanoTime() - since > stallNanos) {
                Broken stalled = new Broken("the coordinator took no data of upload " + label + " for "
                        + TimeUnit.NANOSECONDS.toMillis(stallNanos) + " ms", null);
                abort(stalled);
                throw stalled;
            }
            LockSupport.parkNanos(parkNanos);
            parkNanos = Math.min(1_000_000, parkNanos * 2);
        }
    }

    private void checkAlive() {
        Throwable f = failure;
        if (f instanceof Broken b) {
            throw b;
        }
        if (f != null) {
            throw new Broken("upload " + label + " broke off: " + describe(f), f);
        }
        if (endedByCoordinator && !completed) {
            throw new Broken("the coordinator ended upload " + label + " early", null);
        }
    }

    private static String describe(Throwable t) {
        return t instanceof FlightRuntimeException f ? WireErrors.fromFlight(f).getMessage() : t.getMessage() == null
                ? t.getClass().getSimpleName() : t.getMessage();
    }

    /** The coordinator's side of the call; isCancelled ends Flight's own busy wait in putNext when the call is dead. */
    private final class Listener implements FlightClient.PutListener {
        @Override
        public void getResult() {
            // nobody waits for the acknowledgement
        }

        @Override
        public void onNext(PutResult result) {
            result.close();
        }

        @Override
        public void onError(Throwable t) {
            if (failure == null) {
                failure = t;
            }
            LOG.warn("upload {} failed: {}", label, describe(t));
        }

        @Override
        public void onCompleted() {
            endedByCoordinator = true;
        }

        @Override
        public boolean isCancelled() {
            return isBroken();
        }
    }
}
