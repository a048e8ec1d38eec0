package io.mallard.bench.sim;

import io.mallard.common.security.Credentials;
import io.mallard.common.security.Secrets;
import io.mallard.common.security.TlsMaterial;
import io.mallard.coordinator.ClusterLayout;
import io.mallard.coordinator.catalog.Catalog;
import io.mallard.coordinator.catalog.ClusterInfo;
import io.mallard.coordinator.catalog.TableWriter;
import io.mallard.data.TableRole;
import io.mallard.data.store.LocalShardStore;
import io.mallard.data.table.ColumnDef;
import io.mallard.data.table.DataFile;
import io.mallard.data.table.FileWriter;
import io.mallard.data.table.Snapshot;
import io.mallard.data.table.TableDef;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A cluster directory for a coordinator whose workers are simulated: real certificates and credentials, and a catalog
 * with one {@code measurements} table in {@code shards} shards whose files hold a few random bytes, never a database:
 * the coordinator only hashes them for the proof of possession, and the simulated workers answer tasks with a
 * precomputed batch instead of reading them.
 */
final class SyntheticCluster {
    static final String ADMIN = "admin";

    private SyntheticCluster() {
    }

    static Snapshot create(Path dir, int shards) throws IOException, SQLException {
        ClusterLayout layout = new ClusterLayout(dir);
        TlsMaterial.generate(layout.tls(), List.of());
        Credentials.generate(dir, ADMIN, Secrets.randomToken(18).toCharArray());
        try (LocalShardStore store = new LocalShardStore(layout.store(), (key, worker, ttl) -> {
                    throw new IllegalStateException("the coordinator signs download URLs");
                });
                Catalog catalog = Catalog.openOrCreate(layout.catalog(), store, new ClusterInfo(shards, Map.of()),
                        layout.work().resolve("cache"));
                TableWriter writer = new TableWriter(catalog, layout.work())) {
            TableWriter.Origin origin = new TableWriter.Origin(ADMIN, "synthetic cluster");
            writer.create("measurements", TableRole.PARTITIONED, List.of(), List.of(new ColumnDef(0, "station", "VARCHAR", false),
                    new ColumnDef(1, "measure", "DOUBLE", false)), List.of(), origin);
            TableDef table = catalog.snapshot().table("measurements").orElseThrow();
            List<DataFile> files = new ArrayList<>();
            Path scratch = Files.createDirectories(layout.work().resolve("synthetic"));
            for (int i = 0; i < shards; i++) {
                String fileId = FileWriter.newFileId();
                byte[] bytes = Secrets.randomBytes(64);
                Path local = scratch.resolve(fileId);
                Files.write(local, bytes);
                String key = "tables/" + table.id() + "/" + Snapshot.shardId(i) + "/" + fileId + ".duckdb";
                store.put(key, local);
                Files.delete(local);
                files.add(new DataFile(fileId, table.id(), i, DataFile.Kind.DATA, key, bytes.length, Secrets.sha256Hex(bytes),
                        0, List.of(0, 1), null));
            }
            return catalog.commitFiles(ADMIN, "measurements", files, 0);
        }
    }
}
