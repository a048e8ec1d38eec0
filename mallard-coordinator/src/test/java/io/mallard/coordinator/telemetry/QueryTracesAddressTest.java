package io.mallard.coordinator.telemetry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mallard.common.ErrorCode;
import io.mallard.common.MallardException;
import org.junit.jupiter.api.Test;

/** Where {@code --otlp-endpoint} sends spans: a collector's base address gets OTLP's traces path; other input is refused. */
class QueryTracesAddressTest {

    @Test
    void aBaseAddressGetsTheTracesPathAndAFullOneIsKept() {
        assertThat(QueryTraces.traceUri("http://collector:4318")).hasToString("http://collector:4318/v1/traces");
        assertThat(QueryTraces.traceUri("https://otel.example.org/")).hasToString("https://otel.example.org/v1/traces");
        assertThat(QueryTraces.traceUri("http://c:4318/otlp")).hasToString("http://c:4318/otlp/v1/traces");
        assertThat(QueryTraces.traceUri("http://c:4318/v1/traces")).hasToString("http://c:4318/v1/traces");
    }

    @Test
    void anythingButAnHttpAddressIsRefusedWithTheFlagNamed() {
        for (String bad : new String[] {"collector:4318", "grpc://c:4317", "file:///tmp/x", "http//c", "http://c:43 18"}) {
            assertThatThrownBy(() -> QueryTraces.traceUri(bad)).as(bad).isInstanceOf(MallardException.class)
                    .hasMessageContaining("--otlp-endpoint")
                    .satisfies(e -> assertThat(((MallardException) e).code()).isEqualTo(ErrorCode.INVALID_ARGUMENT));
        }
    }
}
