package io.mallard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.marcnuri.helm.Helm;
import io.mallard.client.ConnectOptions;
import io.mallard.client.MallardSqlClient;
import io.mallard.coordinator.bootstrap.Bootstrap;
import io.mallard.oracle.Oracle;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The deployment files as Kubernetes and Docker would use them, as far as this machine can go without a Docker daemon
 * or a Kubernetes cluster: real Helm lints and renders the chart; the rendered objects have the probes, identities,
 * secrets and volumes the chart promises; and the containers' own command lines — bootstrap, coordinator, worker, the
 * NOTES' join-token step — run here as processes (the cluster's DNS name is this machine, the volume a directory), and
 * the cluster they make answers a query as the oracle does.
 */
class DeploymentTest {
    private static final Path CHART = Path.of("..", "deploy", "helm", "mallard");
    private static final String RELEASE = "demo";
    private static final String NAMESPACE = "data";
    private static final String SERVICE_HOST = "demo-mallard-coordinator.data.svc.cluster.local";

    private static List<JsonNode> render(Map<String, Object> values) throws IOException {
        var template = new Helm(CHART).template().withName(RELEASE).withNamespace(NAMESPACE);
        values.forEach(template::set);
        String yaml = template.call();
        try (MappingIterator<JsonNode> docs = new YAMLMapper().readerFor(JsonNode.class).readValues(yaml)) {
            return docs.readAll().stream().filter(d -> d != null && d.has("kind")).toList();
        }
    }

    private static JsonNode find(List<JsonNode> objects, String kind, String name) {
        return objects.stream().filter(o -> o.path("kind").asText().equals(kind)
                && o.path("metadata").path("name").asText().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no " + kind + " " + name + " in " + objects.stream()
                        .map(o -> o.path("kind").asText() + "/" + o.path("metadata").path("name").asText()).toList()));
    }

    private static List<String> args(JsonNode container) {
        return StreamSupport.stream(container.path("args").spliterator(), false).map(JsonNode::asText).toList();
    }

    @Test
    void theChartLintsAndRendersWhatItPromises() throws Exception {
        com.marcnuri.helm.LintResult lint = new Helm(CHART).lint().strict().call();
        assertThat(lint.isFailed()).as(String.join("\n", lint.getMessages())).isFalse();
        List<JsonNode> objects = render(Map.of());
        assertThat(objects.stream().map(o -> o.path("kind").asText()).toList())
                .containsExactlyInAnyOrder("Service", "StatefulSet", "Service", "StatefulSet");

        JsonNode coordinator = find(objects, "StatefulSet", "demo-mallard-coordinator").path("spec").path("template")
                .path("spec");
        assertThat(coordinator.path("securityContext").path("runAsNonRoot").asBoolean()).isTrue();
        JsonNode main = coordinator.path("containers").get(0);
        assertThat(main.path("livenessProbe").path("httpGet").path("path").asText()).isEqualTo("/health");
        assertThat(main.path("readinessProbe").path("httpGet").path("path").asText()).isEqualTo("/ready");
        assertThat(main.path("readinessProbe").path("httpGet").path("scheme").asText()).isEqualTo("HTTPS");
        assertThat(args(main)).containsSubsequence("--advertise-host", SERVICE_HOST);
        assertThat(args(coordinator.path("initContainers").get(0))).containsSubsequence("--host", SERVICE_HOST);
        assertThat(find(objects, "StatefulSet", "demo-mallard-coordinator").path("spec").path("volumeClaimTemplates")
                .get(0).path("spec").path("resources").path("requests").path("storage").asText()).isEqualTo("20Gi");
        assertThat(find(objects, "Service", "demo-mallard-coordinator").path("spec").path("ports").findValuesAsText("name"))
                .containsExactly("flight", "shards", "web");

        JsonNode workers = find(objects, "StatefulSet", "demo-mallard-worker").path("spec");
        assertThat(workers.path("replicas").asInt()).isEqualTo(3);
        JsonNode worker = workers.path("template").path("spec").path("containers").get(0);
        assertThat(worker.path("env").findValuesAsText("key")).contains("join-token");
        assertThat(worker.path("resources").path("limits").path("memory").asText()).isEqualTo("4Gi");
        assertThat(workers.path("template").path("spec").path("terminationGracePeriodSeconds").asInt()).isEqualTo(90);
        assertThat(args(worker)).containsSubsequence("--drain-timeout-ms", "60000");

        List<JsonNode> withIngress = render(Map.of("ingress.enabled", "true", "workers.count", "5"));
        assertThat(find(withIngress, "Ingress", "demo-mallard-web").path("spec").path("rules").get(0).path("host").asText())
                .isEqualTo("mallard.example.internal");
        assertThat(find(withIngress, "StatefulSet", "demo-mallard-worker").path("spec").path("replicas").asInt()).isEqualTo(5);
    }

    @Test
    void theImageRunsTheLauncherAsAnUnprivilegedUser() throws Exception {
        List<String> dockerfile = Files.readAllLines(Path.of("..", "Dockerfile"));
        assertThat(dockerfile).as("the build stage has Node.js for the web page, and a JDK and Maven")
                .contains("FROM node:20-bookworm AS build").anyMatch(l -> l.contains("openjdk-17-jdk-headless maven"));
        assertThat(dockerfile).contains("ENTRYPOINT [\"/usr/local/bin/mallard\"]", "USER 10001",
                "COPY deploy/docker/mallard /usr/local/bin/mallard",
                "COPY --from=build /src/mallard-cli/target/mallard.jar /opt/mallard/mallard.jar");
        // every module the build needs is copied into the build stage
        try (var modules = Files.list(Path.of(".."))) {
            // modules are the directories with a pom.xml (`./mallard demo` leaves a mallard-demo data directory)
            for (Path module : modules.filter(p -> p.getFileName().toString().startsWith("mallard-")
                    && Files.exists(p.resolve("pom.xml"))).toList()) {
                assertThat(dockerfile).as("the build stage copies " + module.getFileName())
                        .contains("COPY " + module.getFileName() + " " + module.getFileName());
            }
        }
        Process check = new ProcessBuilder("sh", "-n", "../deploy/docker/mallard").redirectErrorStream(true).start();
        assertThat(check.waitFor()).as(new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).isZero();
    }

    @Test
    void theContainersCommandLinesMakeAClusterThatAnswersAsTheOracle(@TempDir Path volume) throws Exception {
        int flight = freePort();
        int shards = freePort();
        int web = freePort();
        List<JsonNode> objects = render(Map.of("coordinator.port", flight, "coordinator.shardPort", shards,
                "coordinator.httpPort", web, "coordinator.replicas", 1, "coordinator.bootstrap.shards", 2,
                "coordinator.bootstrap.sf", "0.001", "coordinator.bootstrap.rows", 1000, "workers.count", 1, "workers.drainSeconds", 5));
        JsonNode coordinatorPod = find(objects, "StatefulSet", "demo-mallard-coordinator").path("spec").path("template")
                .path("spec");
        JsonNode workerContainer = find(objects, "StatefulSet", "demo-mallard-worker").path("spec").path("template")
                .path("spec").path("containers").get(0);
        Path coordinatorVolume = Files.createDirectories(volume.resolve("coordinator"));
        Path workerVolume = Files.createDirectories(volume.resolve("worker-0"));
        Path secret = Files.createDirectories(volume.resolve("secret"));

        // the init container, in this JVM: the cluster directory on the coordinator's volume
        assertThat(run(local(args(coordinatorPod.path("initContainers").get(0)), "/var/lib/mallard", coordinatorVolume)))
                .isZero();
        Path cluster = coordinatorVolume.resolve("cluster");
        List<Process> processes = new ArrayList<>();
        try {
            processes.add(launch(local(args(coordinatorPod.path("containers").get(0)), "/var/lib/mallard",
                    coordinatorVolume), volume.resolve("coordinator.log"), Map.of()));
            // NOTES step 1: the workers' Secret from the coordinator's files
            Files.copy(cluster.resolve("tls").resolve("ca.pem"), secret.resolve("ca.pem"));
            ByteArrayOutputStream token = new ByteArrayOutputStream();
            assertThat(run(List.of("join-token", "--dir", cluster.toString()), token)).isZero();
            List<String> worker = local(args(workerContainer), "/var/lib/mallard", workerVolume).stream()
                    .map(a -> a.replace("/etc/mallard", secret.toString()).replace("$(POD_NAME)", "demo-mallard-worker-0"))
                    .toList();
            processes.add(launch(worker, volume.resolve("worker.log"),
                    Map.of("MALLARD_JOIN_TOKEN", token.toString(StandardCharsets.UTF_8).strip())));

            ConnectOptions options = ConnectOptions.tls("localhost", flight, "admin", Bootstrap.adminPassword(cluster),
                    cluster.resolve("tls").resolve("ca.pem"));
            String sql = "SELECT r_name, count(*) AS nations FROM nation JOIN region ON n_regionkey = r_regionkey "
                    + "GROUP BY r_name ORDER BY r_name";
            String lineitems = "SELECT count(*) AS n, sum(l_quantity) AS q FROM lineitem";
            // what the readiness probe asks, as the kubelet would (over HTTPS; here trusting the cluster's CA)
            java.net.http.HttpClient http = java.net.http.HttpClient.newBuilder().sslContext(
                    io.mallard.common.security.TlsMaterial.clientSslContext(cluster.resolve("tls").resolve("ca.pem")))
                    .connectTimeout(Duration.ofSeconds(5)).build();
            String probe = "https://localhost:" + web + find(objects, "StatefulSet", "demo-mallard-coordinator")
                    .path("spec").path("template").path("spec").path("containers").get(0).path("readinessProbe")
                    .path("httpGet").path("path").asText();
            io.mallard.testing.Await.until("the readiness probe of the chart's coordinator", Duration.ofSeconds(120), () -> {
                for (int i = 0; i < processes.size(); i++) {
                    Path log = volume.resolve(i == 0 ? "coordinator.log" : "worker.log");
                    assertThat(processes.get(i).isAlive()).as(() -> log + " ended:\n" + tail(log)).isTrue();
                }
                try {
                    return http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(probe)).build(),
                            java.net.http.HttpResponse.BodyHandlers.ofString()).statusCode() == 200;
                } catch (IOException e) {
                    return false; // the web port is not open yet
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
            });
            try (MallardSqlClient client = MallardSqlClient.connect(options);
                    Oracle oracle = new Oracle(cluster.resolve("data").resolve("oracle.duckdb"))) {
                assertThat(oracle.difference(sql, client.query(sql))).isEmpty();
                assertThat(oracle.difference(lineitems, client.query(lineitems))).isEmpty();
            }
        } finally {
            for (Process p : processes) {
                p.destroyForcibly().waitFor();
            }
        }
    }

    /** The command line with the cluster's DNS name as this machine and the volume's mount as {@code dir}. */
    private static List<String> local(List<String> args, String mount, Path dir) {
        return args.stream().map(a -> a.replace(SERVICE_HOST, "localhost").replace(mount, dir.toString())).toList();
    }

    private static int run(List<String> args) {
        return run(args, new ByteArrayOutputStream());
    }

    private static int run(List<String> args, ByteArrayOutputStream out) {
        PrintStream before = System.out;
        try (PrintStream captured = new PrintStream(out, true, StandardCharsets.UTF_8)) {
            System.setOut(captured);
            return new CommandLine(new Main()).execute(args.toArray(String[]::new));
        } finally {
            System.setOut(before);
        }
    }

    private static Process launch(List<String> args, Path log, Map<String, String> environment) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-opens=java.base/java.nio=ALL-UNNAMED", "-Xmx512m", "-cp", System.getProperty("java.class.path"),
                Main.class.getName()));
        command.addAll(args);
        command.addAll(List.of("--exit-with-parent", Long.toString(ProcessHandle.current().pid())));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().putAll(environment);
        return builder.start();
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
