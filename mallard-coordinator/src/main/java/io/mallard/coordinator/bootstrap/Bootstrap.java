package io.mallard.coordinator.bootstrap;

import io.mallard.common.security.Credentials;
import io.mallard.common.security.Secrets;
import io.mallard.common.security.TlsMaterial;
import io.mallard.coordinator.ClusterLayout;
import io.mallard.data.Datasets;
import io.mallard.data.table.Snapshot;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;

/**
 * Prepares a cluster directory: certificates, credentials (admin user, join token, URL signing key), generated data
 * in the catalog, its files in the cluster's store (the local directory or an S3 bucket). Idempotent: what exists is kept, so a second run only does what is missing or changed.
 */
public final class Bootstrap {
    private Bootstrap() {
    }

    /** Who the commits of the generated data are logged as. */
    static final String USER = "bootstrap";

    /** What a bootstrap made: the catalog's snapshot with the generated data, and the unsharded oracle file. */
    public record Result(Snapshot snapshot, Path oracleFile) {
    }

    public static Result run(BootstrapOptions options, PrintStream progress) throws IOException, SQLException {
        ClusterLayout layout = new ClusterLayout(options.dir());
        Files.createDirectories(options.dir());
        if (Files.exists(layout.caCertificate())) {
            TlsMaterial.load(layout.tls());
        } else {
            say(progress, "making a CA and a server certificate in " + layout.tls());
            TlsMaterial.generate(layout.tls(), options.hosts());
        }
        if (!Files.exists(options.dir().resolve(Credentials.FILE_NAME))) {
            say(progress, "creating credentials (user " + options.adminUser() + ", join token) in " + options.dir());
            Credentials.generate(options.dir(), options.adminUser(), Secrets.randomToken(18).toCharArray());
        }
        Path oracleDir = options.oracleDir() == null ? layout.data() : options.oracleDir();
        Path oracle = Datasets.ensureOracle(oracleDir, options.params(), progress);
        Snapshot snapshot = GeneratedData.load(layout, oracle, options.params(), options.shards(), options.store(),
                progress);
        return new Result(snapshot, oracle);
    }

    /** The admin password written at bootstrap. */
    public static String adminPassword(Path dir) throws IOException {
        return Files.readString(new ClusterLayout(dir).adminPassword()).strip();
    }

    private static void say(PrintStream progress, String line) {
        if (progress != null) {
            progress.println(line);
        }
    }
}
