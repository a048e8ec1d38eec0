package io.mallard.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mallard.common.ErrorCode;
import io.mallard.common.MallardException;
import io.mallard.common.SetStatement;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class QuerySettingsTest {
    @ParameterizedTest
    @CsvSource({"30s, 30000", "500ms, 500", "2m, 120000", "2min, 120000", "1h, 3600000", "1500, 1500", "0, 0", "10S, 10000"})
    void aQueryTimeoutIsADuration(String text, long millis) {
        assertThat(QuerySettings.DEFAULTS.with(QuerySettings.QUERY_TIMEOUT, text).queryTimeoutMillis()).isEqualTo(millis);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "-1s", "30 seconds", "1.5s", "s", "1d"})
    void anythingElseIsRefused(String text) {
        assertThatThrownBy(() -> QuerySettings.DEFAULTS.with(QuerySettings.QUERY_TIMEOUT, text))
                .isInstanceOfSatisfying(MallardException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT));
    }

    @Test
    void aSetStatementWithAQuotedDurationIsRecognized() {
        SetStatement set = SetStatement.parse("SET mallard.query_timeout = '30s'").orElseThrow();
        assertThat(set.name()).isEqualTo(QuerySettings.QUERY_TIMEOUT);
        assertThat(QuerySettings.DEFAULTS.with(set.name(), set.value()).queryTimeoutMillis()).isEqualTo(30_000);
    }

    @Test
    void theClusterDefaultAppliesUntilTheSessionSetsItsOwn() {
        assertThat(QuerySettings.DEFAULTS.effectiveTimeoutMillis(600_000)).isEqualTo(600_000);
        assertThat(QuerySettings.of(Map.of(QuerySettings.QUERY_TIMEOUT, "5s")).effectiveTimeoutMillis(600_000)).isEqualTo(5_000);
        assertThat(QuerySettings.of(Map.of(QuerySettings.QUERY_TIMEOUT, "0")).effectiveTimeoutMillis(600_000))
                .as("0: no limit for this session").isZero();
    }
}
