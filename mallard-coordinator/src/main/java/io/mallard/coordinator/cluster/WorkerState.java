package io.mallard.coordinator.cluster;

/** A worker's life: registered → downloading → verifying → trusted → draining → gone. */
enum WorkerState {
    REGISTERED, DOWNLOADING, VERIFYING, TRUSTED, DRAINING, GONE;

    public boolean isLive() {
        return this != DRAINING && this != GONE;
    }
}
