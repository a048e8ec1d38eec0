package io.mallard.common;

import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Every error Mallard reports carries one of these codes; clients dispatch on the code, never on message text.
 *
 * <p>A code travels as its {@link #wireName()}, which is frozen: renaming a constant must not change it, or a peer of
 * another version would read the code as unknown. docs/errors.md lists every code with its type, wire name, SQLSTATE and
 * the DuckDB error kinds that become it.
 */
public enum ErrorCode {
    SYNTAX_ERROR("SYNTAX_ERROR", ErrorType.USER, "42601"),
    TABLE_NOT_FOUND("TABLE_NOT_FOUND", ErrorType.USER, "42P01"),
    FUNCTION_NOT_FOUND("FUNCTION_NOT_FOUND", ErrorType.USER, "42883"),
    BINDER_ERROR("BINDER_ERROR", ErrorType.USER, "42000"),
    NOT_DISTRIBUTED_YET("NOT_DISTRIBUTED_YET", ErrorType.USER, "0A000"),
    UNSUPPORTED_STATEMENT("UNSUPPORTED_STATEMENT", ErrorType.USER, "0A000"),
    INVALID_ARGUMENT("INVALID_ARGUMENT", ErrorType.USER, "22023"),
    EXECUTION_ERROR("EXECUTION_ERROR", ErrorType.USER, "22000"),
    AUTHENTICATION_FAILED("AUTHENTICATION_FAILED", ErrorType.USER, "28000"),
    PERMISSION_DENIED("PERMISSION_DENIED", ErrorType.USER, "42501"),
    QUERY_CANCELLED("QUERY_CANCELLED", ErrorType.USER, "57014"),
    WORKER_FAILED("WORKER_FAILED", ErrorType.RESOURCES, "58000"),
    CONNECTION_FAILED("CONNECTION_FAILED", ErrorType.RESOURCES, "08006"),
    /** The TLS handshake failed: a certificate the CA does not vouch for, or TLS on one side only. */
    TLS_FAILED("TLS_FAILED", ErrorType.USER, "08001"),
    NO_WORKER_FOR_SHARD("NO_WORKER_FOR_SHARD", ErrorType.RESOURCES, "53000"),
    SHARD_VERIFICATION_FAILED("SHARD_VERIFICATION_FAILED", ErrorType.RESOURCES, "XX001"),
    /** Edge partitions a query reads are on workers that are not connected (and the session does not allow partial results). */
    PARTITIONS_OFFLINE("PARTITIONS_OFFLINE", ErrorType.RESOURCES, "57P03"),
    /** A worker's local (edge) table was refused: its schema differs from the registered one, or it was not declared. */
    EDGE_TABLE_REFUSED("EDGE_TABLE_REFUSED", ErrorType.USER, "42804"),
    TIMEOUT("TIMEOUT", ErrorType.RESOURCES, "57014"),
    OUT_OF_MEMORY("OUT_OF_MEMORY", ErrorType.RESOURCES, "53200"),
    IO_ERROR("IO_ERROR", ErrorType.RESOURCES, "58030"),
    /** A limit the operator set was reached (concurrent queries of a role, sessions, SQL size, login attempts). */
    LIMIT_EXCEEDED("LIMIT_EXCEEDED", ErrorType.RESOURCES, "53400"),
    PROTOCOL_ERROR("PROTOCOL_ERROR", ErrorType.INTERNAL, "08P01"),
    INTERNAL_ERROR("INTERNAL_ERROR", ErrorType.INTERNAL, "XX000");

    private static final Map<String, ErrorCode> BY_WIRE_NAME = Arrays.stream(values())
            .collect(Collectors.toUnmodifiableMap(ErrorCode::wireName, Function.identity()));

    private final String wireName;
    private final ErrorType type;
    private final String sqlState;

    ErrorCode(String wireName, ErrorType type, String sqlState) {
        this.wireName = wireName;
        this.type = type;
        this.sqlState = sqlState;
    }

    /** The code's identifier on the wire and in the query history; frozen, whatever the constant is called. */
    public String wireName() {
        return wireName;
    }

    public ErrorType type() {
        return type;
    }

    /** The nearest SQL-standard (PostgreSQL-style) SQLSTATE, for clients that sort errors by class. */
    public String sqlState() {
        return sqlState;
    }

    /** The code a peer sent; empty for a name this version does not know (a newer peer's). */
    public static Optional<ErrorCode> fromWireName(String wireName) {
        return Optional.ofNullable(wireName == null ? null : BY_WIRE_NAME.get(wireName));
    }
}
