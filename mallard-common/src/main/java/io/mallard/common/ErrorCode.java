package io.mallard.common;

/** Every error Mallard reports carries one of these codes; clients dispatch on the code, never on message text. */
public enum ErrorCode {
    SYNTAX_ERROR(ErrorType.USER),
    TABLE_NOT_FOUND(ErrorType.USER),
    BINDER_ERROR(ErrorType.USER),
    NOT_DISTRIBUTED_YET(ErrorType.USER),
    UNSUPPORTED_STATEMENT(ErrorType.USER),
    INVALID_ARGUMENT(ErrorType.USER),
    EXECUTION_ERROR(ErrorType.USER),
    AUTHENTICATION_FAILED(ErrorType.USER),
    PERMISSION_DENIED(ErrorType.USER),
    QUERY_CANCELLED(ErrorType.USER),
    WORKER_FAILED(ErrorType.RESOURCES),
    NO_WORKER_FOR_SHARD(ErrorType.RESOURCES),
    SHARD_VERIFICATION_FAILED(ErrorType.RESOURCES),
    TIMEOUT(ErrorType.RESOURCES),
    /** The coordinator could not be reached (refused, reset, or silent past the keepalive): try again or reconnect. */
    UNAVAILABLE(ErrorType.RESOURCES),
    /** A query needs more memory or spill space than the coordinator's budget allows; other queries are unaffected. */
    OUT_OF_MEMORY(ErrorType.RESOURCES),
    PROTOCOL_ERROR(ErrorType.INTERNAL),
    INTERNAL_ERROR(ErrorType.INTERNAL);

    private final ErrorType type;

    ErrorCode(ErrorType type) {
        this.type = type;
    }

    public ErrorType type() {
        return type;
    }
}
