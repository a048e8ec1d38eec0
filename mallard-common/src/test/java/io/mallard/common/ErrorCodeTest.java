package io.mallard.common;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class ErrorCodeTest {
    /**
     * The wire names peers of every version agree on. A change here breaks mixed-version clusters and clients: add
     * codes, never rename or reuse a wire name.
     */
    private static final Map<ErrorCode, String> FROZEN = new LinkedHashMap<>();

    static {
        FROZEN.put(ErrorCode.SYNTAX_ERROR, "SYNTAX_ERROR");
        FROZEN.put(ErrorCode.TABLE_NOT_FOUND, "TABLE_NOT_FOUND");
        FROZEN.put(ErrorCode.FUNCTION_NOT_FOUND, "FUNCTION_NOT_FOUND");
        FROZEN.put(ErrorCode.BINDER_ERROR, "BINDER_ERROR");
        FROZEN.put(ErrorCode.NOT_DISTRIBUTED_YET, "NOT_DISTRIBUTED_YET");
        FROZEN.put(ErrorCode.UNSUPPORTED_STATEMENT, "UNSUPPORTED_STATEMENT");
        FROZEN.put(ErrorCode.INVALID_ARGUMENT, "INVALID_ARGUMENT");
        FROZEN.put(ErrorCode.EXECUTION_ERROR, "EXECUTION_ERROR");
        FROZEN.put(ErrorCode.AUTHENTICATION_FAILED, "AUTHENTICATION_FAILED");
        FROZEN.put(ErrorCode.PERMISSION_DENIED, "PERMISSION_DENIED");
        FROZEN.put(ErrorCode.QUERY_CANCELLED, "QUERY_CANCELLED");
        FROZEN.put(ErrorCode.WORKER_FAILED, "WORKER_FAILED");
        FROZEN.put(ErrorCode.CONNECTION_FAILED, "CONNECTION_FAILED");
        FROZEN.put(ErrorCode.TLS_FAILED, "TLS_FAILED");
        FROZEN.put(ErrorCode.NO_WORKER_FOR_SHARD, "NO_WORKER_FOR_SHARD");
        FROZEN.put(ErrorCode.SHARD_VERIFICATION_FAILED, "SHARD_VERIFICATION_FAILED");
        FROZEN.put(ErrorCode.PARTITIONS_OFFLINE, "PARTITIONS_OFFLINE");
        FROZEN.put(ErrorCode.EDGE_TABLE_REFUSED, "EDGE_TABLE_REFUSED");
        FROZEN.put(ErrorCode.TIMEOUT, "TIMEOUT");
        FROZEN.put(ErrorCode.OUT_OF_MEMORY, "OUT_OF_MEMORY");
        FROZEN.put(ErrorCode.IO_ERROR, "IO_ERROR");
        FROZEN.put(ErrorCode.LIMIT_EXCEEDED, "LIMIT_EXCEEDED");
        FROZEN.put(ErrorCode.PROTOCOL_ERROR, "PROTOCOL_ERROR");
        FROZEN.put(ErrorCode.INTERNAL_ERROR, "INTERNAL_ERROR");
    }

    @Test
    void everyCodesWireNameIsPinned() {
        Map<ErrorCode, String> actual = Arrays.stream(ErrorCode.values())
                .collect(Collectors.toMap(c -> c, ErrorCode::wireName, (a, b) -> a, LinkedHashMap::new));
        assertThat(actual).containsExactlyInAnyOrderEntriesOf(FROZEN);
        assertThat(FROZEN.values()).doesNotHaveDuplicates();
    }

    @ParameterizedTest
    @EnumSource(ErrorCode.class)
    void aWireNameReadsBackAsItsCode(ErrorCode code) {
        assertThat(ErrorCode.fromWireName(code.wireName())).contains(code);
        assertThat(code.sqlState()).matches("[0-9A-Z]{5}");
    }

    @Test
    void aWireNameThisVersionDoesNotKnowIsEmpty() {
        assertThat(ErrorCode.fromWireName("ADDED_IN_V9")).isEmpty();
        assertThat(ErrorCode.fromWireName(null)).isEmpty();
    }

    @Test
    void theUserSeesTheWireName() {
        assertThat(new MallardException(ErrorCode.OUT_OF_MEMORY, "too big", 3, null).describe())
                .isEqualTo("OUT_OF_MEMORY: too big (at position 3)");
    }
}
