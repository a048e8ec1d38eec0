package io.mallard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.mallard.common.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * After the integration suite (mallard-testing runs before this module in {@code mvn verify}): no log of any cluster it
 * started — the coordinators' and workers' output captured by Surefire, the process logs in the shared test data —
 * holds a secret of any of those clusters (join token, URL signing key, token signing key, admin password) or anything
 * shaped like a signed token.
 */
class SecretsInLogsTest {
    private static final Path REPORTS = Path.of("..", "mallard-testing", "target", "surefire-reports");
    private static final Path TEST_DATA = Path.of(System.getProperty("java.io.tmpdir"), "mallard-test-data");
    /** Three base64url parts, the first two JSON objects: a JWT. */
    private static final Pattern JWT = Pattern.compile("eyJ[A-Za-z0-9_-]{8,}\\.eyJ[A-Za-z0-9_-]{8,}\\.[A-Za-z0-9_-]{16,}");

    @Test
    void noLogOfTheSuiteHoldsASecret() throws IOException {
        Assumptions.assumeTrue(Files.isDirectory(REPORTS) && Files.isDirectory(TEST_DATA),
                "runs after the integration suite (mvn verify), which leaves its reports and test data");
        java.util.Map<String, String> secrets = secrets();
        List<Path> logs = logs();
        assertThat(secrets).as("the clusters' secrets, read back").isNotEmpty();
        assertThat(logs).as("logs of the suite").isNotEmpty();
        List<String> found = new ArrayList<>();
        for (Path log : logs) {
            String text = Files.readString(log, StandardCharsets.ISO_8859_1); // any bytes; secrets are ASCII
            secrets.forEach((secret, what) -> {
                if (text.contains(secret)) {
                    found.add(log + " holds " + what); // never any part of the secret itself
                }
            });
            Matcher jwt = JWT.matcher(text);
            if (jwt.find()) {
                found.add(log + " holds a signed token (at offset " + jwt.start() + ")");
            }
        }
        assertThat(found).isEmpty();
    }

    /** Every cluster directory's secrets: credentials.json's join token and URL key, the token key, the admin password. */
    private static java.util.Map<String, String> secrets() throws IOException {
        java.util.Map<String, String> secrets = new java.util.LinkedHashMap<>();
        try (Stream<Path> files = Files.walk(TEST_DATA)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                String name = file.getFileName().toString();
                if (name.equals("credentials.json")) {
                    JsonNode credentials = Json.mapper().readTree(file.toFile());
                    add(secrets, credentials.path("joinToken").asText(""), "the join token of " + file.getParent());
                    add(secrets, credentials.path("urlSigningKey").asText(""), "the URL key of " + file.getParent());
                } else if (name.equals("token-key.json")) {
                    add(secrets, Json.mapper().readTree(file.toFile()).path("key").asText(""), // the id is no secret
                            "the token key of " + file.getParent());
                } else if (name.equals("admin-password.txt")) {
                    add(secrets, Files.readString(file).strip(), "the admin password of " + file.getParent());
                }
            }
        }
        return secrets;
    }

    private static void add(java.util.Map<String, String> secrets, String value, String what) {
        if (value.length() >= 12) { // a secret, not a label
            secrets.put(value, what);
        }
    }

    /** Surefire's captured output of the integration suite and every log file the clusters' processes wrote. */
    private static List<Path> logs() {
        try (Stream<Path> reports = Files.list(REPORTS); Stream<Path> data = Files.walk(TEST_DATA)) {
            List<Path> logs = new ArrayList<>(reports.filter(p -> p.toString().endsWith(".txt")).toList());
            logs.addAll(data.filter(p -> p.toString().endsWith(".log")).toList());
            return logs;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
