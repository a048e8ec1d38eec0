package io.mallard.cli;

import io.mallard.coordinator.ImportConfig;
import io.mallard.data.store.S3Credentials;
import io.mallard.data.store.S3Endpoint;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * Where INSERT … SELECT … FROM read_parquet(…), CREATE TABLE … AS and COPY … FROM may read files: a directory of the
 * coordinator's machine and an S3 import source. Off unless given. The S3 credentials come from the environment:
 * {@code MALLARD_IMPORT_AWS_ACCESS_KEY_ID} and {@code MALLARD_IMPORT_AWS_SECRET_ACCESS_KEY} (and
 * {@code MALLARD_IMPORT_AWS_SESSION_TOKEN}) when set, else the standard {@code AWS_…} variables.
 */
final class ImportOptions {
    @Option(names = "--import-dir", description = "Directory whose files (and only those) statements may read by path.")
    Path directory;

    @Option(names = "--import-s3", description = "Let statements read s3:// URLs through AWS's endpoint (implied by "
            + "--import-s3-endpoint); credentials from MALLARD_IMPORT_AWS_ACCESS_KEY_ID and "
            + "MALLARD_IMPORT_AWS_SECRET_ACCESS_KEY, else AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY.")
    boolean s3;

    @Option(names = "--import-s3-endpoint", description = "S3-compatible endpoint s3:// URLs are read from, "
            + "http(s)://host[:port].")
    URI endpoint;

    @Option(names = "--import-s3-region", description = "Signing region of the S3 import source (default: us-east-1).")
    String region;

    @Option(names = "--import-s3-path-style", description = "Address import buckets in the path (host/bucket/key).")
    boolean pathStyle;

    ImportConfig config() {
        return config(System.getenv());
    }

    ImportConfig config(Map<String, String> env) {
        ImportConfig config = ImportConfig.none().withDirectory(directory);
        if (s3 || endpoint != null) {
            config = config.withS3(new S3Endpoint(endpoint, region, pathStyle),
                    S3Credentials.fromEnvironment(env, ImportConfig.CREDENTIALS_PREFIX));
        } else if (region != null || pathStyle) {
            throw new IllegalArgumentException("--import-s3-region and --import-s3-path-style need --import-s3 or "
                    + "--import-s3-endpoint");
        }
        return config;
    }

    /** The same options for a child process (the credentials go by its environment, as they came). */
    List<String> args() {
        List<String> args = new ArrayList<>();
        if (directory != null) {
            args.addAll(List.of("--import-dir", directory.toAbsolutePath().toString()));
        }
        if (s3) {
            args.add("--import-s3");
        }
        if (endpoint != null) {
            args.addAll(List.of("--import-s3-endpoint", endpoint.toString()));
        }
        if (region != null) {
            args.addAll(List.of("--import-s3-region", region));
        }
        if (pathStyle) {
            args.add("--import-s3-path-style");
        }
        return args;
    }
}
