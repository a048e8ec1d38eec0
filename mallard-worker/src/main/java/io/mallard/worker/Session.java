package io.mallard.worker;

import org.apache.arrow.flight.CallOption;

/**
 * One registration with the coordinator. A worker registers again when the coordinator no longer knows it (lease
 * expired, coordinator restarted); everything tied to the old session (its tasks, uploads and proofs) is void then.
 *
 * @param generation counts registrations of this worker process, so that work can tell whether its session still holds
 */
record Session(String workerId, CallOption auth, long pollMillis, int generation) {
}
