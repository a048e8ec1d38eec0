package io.mallard.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.mallard.client.MallardSqlClient;
import io.mallard.common.MallardException;
import io.mallard.common.rows.QueryRows;
import io.mallard.common.security.TlsMaterial;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The coordinator's web port: {@code /health}, {@code /ready} before and after the workers proved every shard, and
 * {@code /metrics} over HTTPS (trusting the cluster's CA) moving by what a few queries did.
 */
class MetricsAndProbesTest {
    /** {@code name{labels} value} of Prometheus' text format (the labels are sorted by name). */
    private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{[^}]*\\})? (\\S+)$");

    @Test
    void probesAndMetricsFollowTheCluster() throws Exception {
        try (LocalCluster cluster = LocalCluster.builder().shards(4).workers(0).build()) {
            HttpClient http = HttpClient.newBuilder().sslContext(TlsMaterial.clientSslContext(cluster.caCertificate()))
                    .build();
            String web = cluster.coordinator().webUrl();
            assertThat(web).startsWith("https://127.0.0.1:");

            assertThat(get(http, web + "health").statusCode()).isEqualTo(200);
            HttpResponse<String> notReady = get(http, web + "ready");
            assertThat(notReady.statusCode()).isEqualTo(503);
            assertThat(notReady.body()).contains("4 of 4 shards have no trusted worker");
            assertThat(get(http, web + "nothing-here").statusCode()).isEqualTo(404);

            cluster.addWorker(false, 0);
            cluster.addWorker(false, 0);
            cluster.await("both workers trusted with their shards", 120_000, () -> cluster.coordinator().status()
                    .workers().stream().filter(w -> w.state().equals("trusted")).count() == 2
                    && cluster.coordinator().status().allShardsServed());
            HttpResponse<String> ready = get(http, web + "ready");
            assertThat(ready.statusCode()).as(ready.body()).isEqualTo(200);

            Map<String, Double> before = scrape(http, web);
            String marker = UUID.randomUUID().toString();
            String aggregate = "SELECT l_returnflag, count(*) FROM lineitem WHERE '" + marker + "' <> '' GROUP BY ALL";
            try (MallardSqlClient client = cluster.sqlClient()) {
                for (int i = 0; i < 3; i++) {
                    client.query(aggregate);
                }
                client.query("SELECT count(*) FROM nation WHERE '" + marker + "' <> ''");
                catchThrowableOfType(MallardException.class, () -> client.query("SELECT * FROM no_such_table_" + 1));
                Map<String, Double> after = scrape(http, web);

                assertThat(delta(before, after, "mallard_queries_total", "outcome=\"finished\"",
                        "strategy=\"PUSHDOWN_AGG\"")).isEqualTo(3);
                assertThat(delta(before, after, "mallard_queries_total", "outcome=\"finished\"", "strategy=\"LOCAL\""))
                        .isEqualTo(1);
                assertThat(delta(before, after, "mallard_queries_total", "outcome=\"failed\"")).isEqualTo(1);
                // a histogram: every query lands in the +Inf bucket and in the count
                assertThat(delta(before, after, "mallard_query_duration_seconds_bucket", "outcome=\"finished\"",
                        "strategy=\"PUSHDOWN_AGG\"", "le=\"+Inf\"")).isEqualTo(3);
                assertThat(delta(before, after, "mallard_query_duration_seconds_count", "strategy=\"PUSHDOWN_AGG\""))
                        .isEqualTo(3);
                assertThat(after.keySet()).anyMatch(k -> k.startsWith("mallard_query_duration_seconds_bucket{")
                        && k.contains("le=\"0.1"));
                assertThat(delta(before, after, "mallard_tasks_total")).as("one task per shard").isEqualTo(12);

                QueryRows shipped = client.query("SELECT sum(rows_shipped)::BIGINT, sum(bytes_shipped)::BIGINT "
                        + "FROM mallard.queries WHERE contains(sql, '" + marker + "')");
                assertThat(delta(before, after, "mallard_shipped_rows_total"))
                        .isEqualTo(((Number) shipped.rows().get(0).get(0)).doubleValue()).isPositive();
                assertThat(delta(before, after, "mallard_shipped_bytes_total"))
                        .isEqualTo(((Number) shipped.rows().get(0).get(1)).doubleValue()).isPositive();
                assertThat(after).containsKeys("mallard_task_retries_total", "mallard_task_duplicates_total");

                QueryRows states = client.query("SELECT state, count(*) FROM mallard.workers GROUP BY state");
                Map<String, Double> expected = new HashMap<>();
                states.rows().forEach(r -> expected.put("mallard_workers{state=\"" + r.get(0) + "\"}",
                        ((Number) r.get(1)).doubleValue()));
                Map<String, Double> gauges = new HashMap<>();
                after.forEach((k, v) -> {
                    if (k.startsWith("mallard_workers{")) {
                        gauges.put(k, v);
                    }
                });
                assertThat(gauges).isEqualTo(expected).containsEntry("mallard_workers{state=\"trusted\"}", 2.0);
            }
            // a worker proves a file right after its challenge: wait for the last answers, then none may have failed
            cluster.await("every challenge answered", 30_000, () -> {
                Map<String, Double> now = scrapeUnchecked(http, web);
                return sum(now, "mallard_shard_proofs_total") == sum(now, "mallard_shard_files_verified_total");
            });
            Map<String, Double> after = scrape(http, web);
            double verified = sum(after, "mallard_shard_files_verified_total");
            assertThat(verified).isPositive();
            assertThat(sum(after, "mallard_shard_proofs_total", "outcome=\"accepted\"")).isEqualTo(verified);
            assertThat(sum(after, "mallard_shard_proofs_total", "outcome=\"failed\"")).isZero();
            // a worker may drop a download whose shard placement moved to the newcomer meanwhile: at least, not equal
            assertThat(sum(after, "mallard_shard_downloads_total")).isGreaterThanOrEqualTo(verified);
            assertThat(sum(after, "mallard_workers_cpus")).isPositive();
            assertThat(sum(after, "mallard_arrow_limit_bytes")).isPositive();
            assertThat(sum(after, "mallard_shards")).isEqualTo(4);
            assertThat(sum(after, "mallard_shards_served")).isEqualTo(4);
            assertThat(after).containsKeys("mallard_spill_written_bytes_total", "mallard_spill_files",
                    "mallard_arrow_allocated_bytes", "jvm_gc_max_data_size_bytes");
            assertThat(after.keySet()).anyMatch(k -> k.startsWith("jvm_memory_used_bytes{"));

            HttpResponse<String> post = http.send(HttpRequest.newBuilder(URI.create(web + "metrics"))
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(post.statusCode()).isEqualTo(405);
            cluster.assertClean();
        }
    }

    private static HttpResponse<String> get(HttpClient http, String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Every sample of a scrape, keyed by {@code name{labels}}. */
    private static Map<String, Double> scrape(HttpClient http, String web) throws Exception {
        HttpResponse<String> response = get(http, web + "metrics");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t)
                .startsWith("text/plain; version=0.0.4"));
        Map<String, Double> samples = new HashMap<>();
        for (String line : response.body().split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            Matcher m = SAMPLE.matcher(line);
            assertThat(m.matches()).as("a sample line: %s", line).isTrue();
            samples.put(m.group(1) + (m.group(2) == null ? "" : m.group(2)), Double.parseDouble(m.group(3)));
        }
        return samples;
    }

    private static Map<String, Double> scrapeUnchecked(HttpClient http, String web) {
        try {
            return scrape(http, web);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The sum of the samples of {@code name} that carry every one of {@code labels}. */
    private static double sum(Map<String, Double> samples, String name, String... labels) {
        return samples.entrySet().stream().filter(e -> e.getKey().equals(name) || e.getKey().startsWith(name + "{"))
                .filter(e -> List.of(labels).stream().allMatch(l -> e.getKey().contains(l)))
                .mapToDouble(Map.Entry::getValue).sum();
    }

    private static double delta(Map<String, Double> before, Map<String, Double> after, String name, String... labels) {
        return sum(after, name, labels) - sum(before, name, labels);
    }
}
