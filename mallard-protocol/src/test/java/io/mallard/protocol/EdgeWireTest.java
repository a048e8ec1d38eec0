package io.mallard.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.mallard.common.ErrorCode;
import io.mallard.common.MallardException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The wire parts of edge tables: partition ids, result warnings, the partial-results setting, the messages. */
class EdgeWireTest {
    @Test
    void partitionIdsNameTableAndWorker() {
        String id = EdgePartitions.id("readings", "device-7");
        assertThat(id).isEqualTo("edge:readings@device-7");
        assertThat(EdgePartitions.isEdge(id)).isTrue();
        assertThat(EdgePartitions.table(id)).contains("readings");
        assertThat(EdgePartitions.label(id)).isEqualTo("readings@device-7");
        assertThat(EdgePartitions.isEdge("shard-003")).isFalse();
        assertThat(EdgePartitions.table("shard-003")).isEmpty();
    }

    @Test
    void aWarningRoundTripsAndGarbageIsAProtocolError() {
        ResultWarning warning = ResultWarning.partial(List.of("readings@device-2"));
        assertThat(ResultWarning.decode(warning.encode())).isEqualTo(warning);
        assertThat(warning.message()).contains("readings@device-2");
        MallardException e = catchThrowableOfType(MallardException.class,
                () -> ResultWarning.decode("3:end".getBytes(StandardCharsets.UTF_8)));
        assertThat(e.code()).isEqualTo(ErrorCode.PROTOCOL_ERROR);
    }

    @Test
    void partialResultsAreAllowedOrDenied() {
        assertThat(QuerySettings.DEFAULTS.partialResults()).isFalse();
        assertThat(QuerySettings.of(Map.of("mallard.partial_results", "allow")).partialResults()).isTrue();
        assertThat(QuerySettings.of(Map.of("mallard.partial_results", "allow")).with("mallard.partial_results", "deny")
                .partialResults()).isFalse();
        assertThat(catchThrowableOfType(MallardException.class,
                () -> QuerySettings.DEFAULTS.with("mallard.partial_results", "maybe")).code())
                .isEqualTo(ErrorCode.INVALID_ARGUMENT);
    }

    @Test
    void localTablesTravelWithTheRegistration() {
        Messages.RegisterWorker register = new Messages.RegisterWorker("t", "device-1", "v", 1, 1, 1, "i",
                List.of(new Messages.LocalTable("readings", List.of(new Messages.LocalColumn("temp", "DOUBLE")), 3, "f")));
        assertThat(Codec.decode(Codec.encode(register))).isEqualTo(register);
        Messages.LocalTableChanged changed = new Messages.LocalTableChanged("w1", register.localTables().get(0));
        assertThat(Codec.decode(Codec.encode(changed))).isEqualTo(changed);
        assertThat(new Messages.RegisterWorker("t", "n", "v", 1, 1, 1).localTables()).isEmpty();
    }
}
