package io.mallard.coordinator;

import java.nio.file.Path;

/**
 * Where {@code mallard bootstrap} puts things in a cluster directory, and where the coordinator looks for them.
 *
 * <pre>
 * DIR/tls/            ca.pem, ca-key.pem, server.pem, server-key.pem
 * DIR/credentials.json  join token, URL signing key, users (Argon2id)
 * DIR/admin-password.txt
 * DIR/token-key.json   the key that signs bearer tokens and the cluster's id (0600, made by the coordinator)
 * DIR/catalog.duckdb   the catalog: tables, the files that hold their rows, the commit log
 * DIR/data/store/     the embedded shard store: every table's immutable files, tables/ID/SHARD/FILE.duckdb (unused when
 *                     the cluster's store is an S3 bucket)
 * DIR/data/           oracle.duckdb (the generated data unsharded), mallard.duckdb (the reference copy, rebuilt by
 *                     the coordinator; named so that DuckDB calls the database mallard, as JDBC metadata does),
 *                     work/ (files being written, spill; cache/: verified copies of an S3 store's files the coordinator
 *                     reads itself; imports/: objects downloaded for one statement, deleted after it)
 * DIR/metadata.duckdb   the coordinator's own metadata: query and task history, users and grants (created by the coordinator)
 * DIR/audit/audit.log   the audit log: JSON lines in a SHA-256 chain (0600 in a 0700 directory, made by the coordinator;
 *                     beside the metadata file when --metadata-file puts that elsewhere)
 * </pre>
 */
public record ClusterLayout(Path dir) {
    /** The audit log when the metadata file is in its default place ({@code mallard audit verify} checks it). */
    public Path auditLog() {
        return dir.resolve("audit").resolve("audit.log");
    }

    public Path tls() {
        return dir.resolve("tls");
    }

    public Path caCertificate() {
        return tls().resolve("ca.pem");
    }

    public Path data() {
        return dir.resolve("data");
    }

    public Path catalog() {
        return dir.resolve("catalog.duckdb");
    }

    /** The embedded shard store's directory. */
    public Path store() {
        return data().resolve("store");
    }

    /** The reference copy: its file name is the database's name in DuckDB ({@code current_database()}). */
    public Path reference() {
        return data().resolve(io.mallard.planner.plan.DistributedPlanner.DATABASE + ".duckdb");
    }

    /** Where versions before the database was named {@code mallard} kept the reference copy (removed at start). */
    public Path formerReference() {
        return data().resolve("reference.duckdb");
    }

    /** Where the coordinator writes files before they go into the store, and spills. */
    public Path work() {
        return data().resolve("work");
    }

    /** Verified copies of a remote store's files that the coordinator reads itself (reference copy, proofs). */
    public Path cache() {
        return work().resolve("cache");
    }

    /** Objects an import statement downloads, one directory per statement, deleted when it ends. */
    public Path importDownloads() {
        return work().resolve("imports");
    }

    public Path metadata() {
        return dir.resolve("metadata.duckdb");
    }

    public Path adminPassword() {
        return dir.resolve("admin-password.txt");
    }
}
