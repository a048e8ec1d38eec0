package io.mallard.cli;

import io.mallard.common.security.Credentials;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code mallard join-token --dir DIR}: prints the cluster's worker join token, so that an operator can hand it to
 * workers (a Kubernetes Secret, an environment variable) without reading the credentials file's format.
 */
@Command(name = "join-token", mixinStandardHelpOptions = true,
        description = "Print the worker join token of a cluster directory (keep it secret: it lets a machine join).")
final class JoinTokenCommand implements Callable<Integer> {
    @Option(names = "--dir", required = true, description = "Cluster directory (made by mallard bootstrap).")
    Path dir;

    @Override
    public Integer call() throws Exception {
        System.out.println(Credentials.load(dir).joinToken());
        return 0;
    }
}
