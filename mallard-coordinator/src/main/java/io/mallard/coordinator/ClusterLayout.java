package io.mallard.coordinator;

import java.nio.file.Path;

/**
 * Where {@code mallard bootstrap} puts things in a cluster directory, and where the coordinator looks for them.
 *
 * <pre>
 * DIR/tls/            ca.pem, ca-key.pem, server.pem, server-key.pem
 * DIR/credentials.json  join token, URL signing key, users (Argon2id)
 * DIR/admin-password.txt
 * DIR/data/           oracle.duckdb (unsharded), reference.duckdb, manifest.json, shards/*.duckdb
 * DIR/metadata.duckdb   the coordinator's own metadata: query and task history (created by the coordinator)
 * </pre>
 */
public record ClusterLayout(Path dir) {
    public Path tls() {
        return dir.resolve("tls");
    }

    public Path caCertificate() {
        return tls().resolve("ca.pem");
    }

    public Path data() {
        return dir.resolve("data");
    }

    public Path manifest() {
        return data().resolve("manifest.json");
    }

    public Path metadata() {
        return dir.resolve("metadata.duckdb");
    }

    public Path adminPassword() {
        return dir.resolve("admin-password.txt");
    }
}
