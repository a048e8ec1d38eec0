package io.mallard.coordinator.telemetry;

import io.mallard.common.ErrorCode;
import io.mallard.common.MallardException;
import io.mallard.coordinator.scheduling.QueryStats;
import io.mallard.coordinator.system.QueryRecord;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Each finished statement as an OpenTelemetry trace, sent over OTLP/HTTP: a root span for the statement (user,
 * strategy, outcome, rows) and a child span per step — planning, every task attempt (shard, worker, attempt, whether its
 * answer was taken) and the combine. The spans are made from the statement's record once it is in the history, so
 * tracing adds no work to a running query; batches go out in the background and a collector that is down costs
 * nothing but the dropped spans. Off unless an endpoint is configured ({@code --otlp-endpoint}).
 */
public final class QueryTraces implements Consumer<QueryRecord>, AutoCloseable {
    /** The longest statement text a span carries. */
    static final int MAX_TEXT = 4096;

    private final SdkTracerProvider provider;
    private final Tracer tracer;

    private QueryTraces(SdkTracerProvider provider) {
        this.provider = provider;
        this.tracer = provider.get("io.mallard.coordinator");
    }

    /**
     * Traces sent to the collector at {@code endpoint}: its base address ({@code http://collector:4318}, to which
     * {@code /v1/traces} is added) or the full traces address.
     */
    public static QueryTraces open(String endpoint, String host, String version) {
        URI uri = traceUri(endpoint);
        OtlpHttpSpanExporter exporter = OtlpHttpSpanExporter.builder().setEndpoint(uri.toString())
                .setTimeout(Duration.ofSeconds(10)).build();
        Resource resource = Resource.getDefault().merge(Resource.create(Attributes.of(
                AttributeKey.stringKey("service.name"), "mallard-coordinator",
                AttributeKey.stringKey("service.version"), version,
                AttributeKey.stringKey("host.name"), host)));
        SdkTracerProvider provider = SdkTracerProvider.builder().setResource(resource)
                .addSpanProcessor(BatchSpanProcessor.builder(exporter).setScheduleDelay(Duration.ofSeconds(1)).build())
                .build();
        return new QueryTraces(provider);
    }

    /** The address spans are posted to; an error for anything but an absolute http(s) address. */
    public static URI traceUri(String endpoint) {
        URI uri;
        try {
            uri = URI.create(endpoint.trim());
        } catch (IllegalArgumentException e) {
            throw new MallardException(ErrorCode.INVALID_ARGUMENT, "--otlp-endpoint is not an address: " + endpoint);
        }
        if (uri.getScheme() == null || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))
                || uri.getHost() == null) {
            throw new MallardException(ErrorCode.INVALID_ARGUMENT, "--otlp-endpoint must be an http:// or https:// "
                    + "address such as http://collector:4318, not " + endpoint);
        }
        String path = uri.getPath() == null ? "" : uri.getPath();
        if (path.endsWith("/v1/traces")) {
            return uri;
        }
        return uri.resolve((path.endsWith("/") ? path : path + "/") + "v1/traces");
    }

    @Override
    public void accept(QueryRecord record) {
        QueryStats stats = record.stats();
        long start = record.started().getEpochSecond() * 1_000_000_000L + record.started().getNano();
        long end = start + record.durationMillis() * 1_000_000L;
        if (stats != null) {
            for (QueryStats.Phase phase : stats.phases()) {
                start = Math.min(start, phase.startNanos());
                end = Math.max(end, phase.endNanos());
            }
        }
        String strategy = stats == null || stats.strategy().isEmpty() ? "statement" : stats.strategy();
        Span root = tracer.spanBuilder("mallard " + strategy).setNoParent().setSpanKind(SpanKind.SERVER)
                .setStartTimestamp(start, TimeUnit.NANOSECONDS)
                .setAttribute("db.system.name", "mallard")
                .setAttribute("db.query.text", shortened(record.sql()))
                .setAttribute("enduser.id", record.user())
                .setAttribute("mallard.query_id", record.queryId())
                .setAttribute("mallard.strategy", strategy)
                .setAttribute("mallard.status", record.status())
                .setAttribute("mallard.rows", record.rows())
                .startSpan();
        if (stats != null) {
            root.setAttribute("mallard.tasks", (long) stats.tasks().size());
            root.setAttribute("mallard.rows_shipped", stats.rowsShipped());
            root.setAttribute("mallard.bytes_shipped", stats.bytesShipped());
        }
        if (record.errorCode() != null) {
            root.setAttribute("error.type", record.errorCode());
            root.setStatus(StatusCode.ERROR, record.errorCode() + ": " + shortened(String.valueOf(record.error())));
        }
        Context parent = Context.root().with(root);
        if (stats != null) {
            for (QueryStats.Phase phase : stats.phases()) {
                Span child = tracer.spanBuilder(phase.name()).setParent(parent).setSpanKind(SpanKind.INTERNAL)
                        .setStartTimestamp(phase.startNanos(), TimeUnit.NANOSECONDS)
                        .setAllAttributes(attributes(phase.attributes())).startSpan();
                child.end(phase.endNanos(), TimeUnit.NANOSECONDS);
            }
        }
        root.end(end, TimeUnit.NANOSECONDS);
    }

    private static Attributes attributes(Map<String, Object> values) {
        AttributesBuilder builder = Attributes.builder();
        values.forEach((key, value) -> {
            if (value instanceof Long l) {
                builder.put(key, l);
            } else if (value instanceof Integer i) {
                builder.put(key, (long) i);
            } else if (value instanceof Boolean b) {
                builder.put(key, b);
            } else {
                builder.put(key, String.valueOf(value));
            }
        });
        return builder.build();
    }

    private static String shortened(String text) {
        return text.length() <= MAX_TEXT ? text : text.substring(0, MAX_TEXT) + "…";
    }

    /** Sends what is still waiting (for up to 5 s) and stops. */
    @Override
    public void close() {
        provider.shutdown().join(5, TimeUnit.SECONDS);
    }
}
