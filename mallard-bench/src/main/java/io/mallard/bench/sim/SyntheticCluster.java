package io.mallard.bench.sim;

import io.mallard.common.security.Credentials;
import io.mallard.common.security.Secrets;
import io.mallard.common.security.TlsMaterial;
import io.mallard.coordinator.ClusterLayout;
import io.mallard.data.DataParams;
import io.mallard.data.DatasetManifest;
import io.mallard.data.Datasets;
import io.mallard.data.Manifest;
import io.mallard.data.ShardInfo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A cluster directory for a coordinator whose workers are simulated: real certificates and credentials, a manifest of
 * {@code shards} synthetic {@code measurements} shards, and the reference file with the (empty) table. A shard file
 * holds a few random bytes, never a database: the coordinator only hashes it for the proof of possession, and the
 * simulated workers answer tasks with a precomputed batch instead of opening it.
 */
final class SyntheticCluster {
    static final String ADMIN = "admin";

    private SyntheticCluster() {
    }

    static Manifest create(Path dir, int shards) throws IOException, SQLException {
        ClusterLayout layout = new ClusterLayout(dir);
        Files.createDirectories(layout.data().resolve("shards"));
        TlsMaterial.generate(layout.tls(), List.of());
        Credentials.generate(dir, ADMIN, Secrets.randomToken(18).toCharArray());
        List<ShardInfo> infos = new ArrayList<>();
        for (int i = 0; i < shards; i++) {
            String id = String.format(Locale.ROOT, "measurements-%04d", i);
            String file = "shards/" + id + ".bin";
            byte[] bytes = Secrets.randomBytes(64);
            Files.write(layout.data().resolve(file), bytes);
            infos.add(new ShardInfo(id, "measurements", i, file, bytes.length, Secrets.sha256Hex(bytes),
                    Map.of("measurements", 0L)));
        }
        try (Connection reference = DriverManager.getConnection("jdbc:duckdb:" + layout.data().resolve(Datasets.REFERENCE_FILE));
                Statement statement = reference.createStatement()) {
            statement.execute("CREATE TABLE measurements (station VARCHAR, measure DOUBLE)");
        }
        long version = System.currentTimeMillis();
        Manifest manifest = new Manifest(Manifest.FORMAT_VERSION, version, Instant.ofEpochMilli(version).toString(),
                new DataParams(0.01, 0, 42), "none", Datasets.REFERENCE_FILE,
                List.of(new DatasetManifest("measurements", shards, Datasets.HASH_BY_ROWID, Datasets.measurementTables(), infos)));
        manifest.write(layout.manifest());
        return manifest;
    }
}
