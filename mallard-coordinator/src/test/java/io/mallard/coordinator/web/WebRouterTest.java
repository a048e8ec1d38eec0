package io.mallard.coordinator.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/** The web port's router on a real (plain HTTP) server: exact paths first, then the longest prefix, else 404. */
class WebRouterTest {
    @Test
    void exactPathsWinOverPrefixesAndTheLongestPrefixWins() throws Exception {
        WebRouter router = new WebRouter().route("/metrics", e -> Responses.text(e, 200, "metrics"));
        try (WebServer server = new WebServer("127.0.0.1", 0, null, router)) {
            HttpClient http = HttpClient.newHttpClient();
            String base = server.url("127.0.0.1");
            assertThat(base).isEqualTo("http://127.0.0.1:" + server.port() + "/");
            assertThat(get(http, base + "metrics")).isEqualTo("200 metrics\n");
            assertThat(get(http, base + "index.html")).startsWith("404 not found: /index.html");

            // routes added while the server runs, as a web page would add its own
            server.router().routePrefix("/", e -> Responses.text(e, 200, "page " + e.getRequestURI().getPath()))
                    .routePrefix("/api/", e -> Responses.text(e, 200, "api"));
            assertThat(get(http, base + "index.html")).isEqualTo("200 page /index.html\n");
            assertThat(get(http, base + "api/queries")).isEqualTo("200 api\n");
            assertThat(get(http, base + "metrics")).isEqualTo("200 metrics\n");
            assertThat(get(http, base + "metrics/x")).isEqualTo("200 page /metrics/x\n");
        }
    }

    private static String get(HttpClient http, String url) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        return response.statusCode() + " " + response.body();
    }
}
