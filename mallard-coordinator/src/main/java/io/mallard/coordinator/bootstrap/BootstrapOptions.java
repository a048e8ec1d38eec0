package io.mallard.coordinator.bootstrap;

import io.mallard.coordinator.StoreConfig;
import io.mallard.data.DataParams;
import java.nio.file.Path;
import java.util.List;

/**
 * What {@code mallard bootstrap} makes.
 *
 * @param dir        the cluster directory
 * @param params     data generation: TPC-H scale factor, measurement rows, seed
 * @param shards     shards per dataset
 * @param adminUser  name of the admin user created with a random password
 * @param oracleDir  where the unsharded oracle file lives (may be shared between clusters); default {@code dir/data}
 * @param hosts      extra host names or IPs for the server certificate
 * @param store      where the table files go (recorded in the catalog: the cluster keeps this store)
 */
public record BootstrapOptions(Path dir, DataParams params, int shards, String adminUser, Path oracleDir, List<String> hosts,
        StoreConfig store) {
    /** With the local store. */
    public BootstrapOptions(Path dir, DataParams params, int shards, String adminUser, Path oracleDir, List<String> hosts) {
        this(dir, params, shards, adminUser, oracleDir, hosts, StoreConfig.local());
    }

    public BootstrapOptions {
        if (shards < 1 || shards > 4096) {
            throw new IllegalArgumentException("shards must be between 1 and 4096, got " + shards);
        }
        if (adminUser == null || adminUser.isBlank()) {
            throw new IllegalArgumentException("an admin user name is required");
        }
        hosts = List.copyOf(hosts);
        store = store == null ? StoreConfig.local() : store;
    }
}
