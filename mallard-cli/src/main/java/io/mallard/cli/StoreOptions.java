package io.mallard.cli;

import io.mallard.coordinator.StoreConfig;
import io.mallard.data.store.S3Credentials;
import io.mallard.data.store.S3Location;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * Where a cluster keeps its table files: shared by bootstrap, coordinator and up. The S3 credentials come from the
 * environment ({@code AWS_ACCESS_KEY_ID}, {@code AWS_SECRET_ACCESS_KEY}, {@code AWS_SESSION_TOKEN}), never from a flag,
 * whose value anyone on the machine can read in the process list.
 */
final class StoreOptions {
    @Option(names = "--store", defaultValue = "local", description = "Where table files live: 'local' (DIR/data/store, "
            + "served by the coordinator) or s3://bucket/prefix; credentials from AWS_ACCESS_KEY_ID and "
            + "AWS_SECRET_ACCESS_KEY (default: ${DEFAULT-VALUE}).")
    String store;

    @Option(names = "--store-endpoint", description = "S3-compatible endpoint of the store, http(s)://host[:port] "
            + "(default: AWS's endpoint of the region).")
    URI endpoint;

    @Option(names = "--store-region", description = "Signing region of the S3 store (default: us-east-1).")
    String region;

    @Option(names = "--store-path-style", description = "Address the store's bucket in the path (host/bucket/key), as "
            + "most S3-compatible servers need.")
    boolean pathStyle;

    StoreConfig config() {
        return config(System.getenv());
    }

    StoreConfig config(Map<String, String> env) {
        if ("local".equals(store)) {
            if (endpoint != null || region != null || pathStyle) {
                throw new IllegalArgumentException("--store-endpoint, --store-region and --store-path-style need "
                        + "--store s3://bucket/prefix");
            }
            return StoreConfig.local();
        }
        S3Location location = S3Location.parse(store).withEndpoint(endpoint).withRegion(region).withPathStyle(pathStyle);
        return StoreConfig.s3(location, S3Credentials.fromEnvironment(env));
    }

    /** The same options for a child process (the credentials go by its environment, as they came). */
    List<String> args() {
        List<String> args = new ArrayList<>(List.of("--store", store));
        if (endpoint != null) {
            args.addAll(List.of("--store-endpoint", endpoint.toString()));
        }
        if (region != null) {
            args.addAll(List.of("--store-region", region));
        }
        if (pathStyle) {
            args.add("--store-path-style");
        }
        return args;
    }
}
