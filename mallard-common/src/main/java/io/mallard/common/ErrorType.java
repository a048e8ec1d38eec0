package io.mallard.common;

/** The category of an error: whose fault it is and whether retrying can help. */
public enum ErrorType {
    /** The request was wrong: bad SQL, unknown table, missing permission. Retrying will not help. */
    USER,
    /** A bug or an unexpected failure inside Mallard. */
    INTERNAL,
    /** The cluster lacked something it needed: workers, memory, time. Retrying later may help. */
    RESOURCES
}
