package io.mallard.cli;

import io.mallard.coordinator.ClusterLayout;
import io.mallard.coordinator.audit.AuditChain;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code mallard audit verify}: checks the audit log's hash chain, offline, from the file itself. */
@Command(name = "audit", mixinStandardHelpOptions = true, description = "Check the coordinator's audit log.",
        subcommands = {AuditCommand.Verify.class})
final class AuditCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** {@code mallard audit verify [--dir DIR | --file LOG]}: exit 0 when the chain holds, 1 at the first bad record. */
    @Command(name = "verify", mixinStandardHelpOptions = true,
            description = "Check that no record of the audit log was changed, removed, inserted or moved. Exit code 0 "
                    + "when the chain holds, 1 (and the first bad line) when it does not.")
    static final class Verify implements Callable<Integer> {
        @Option(names = "--dir", defaultValue = ".", description = "Cluster directory: checks DIR/audit/audit.log "
                + "(default: ${DEFAULT-VALUE}).")
        Path dir;

        @Option(names = "--file", description = "The audit log to check, when it is not in the cluster directory "
                + "(beside a --metadata-file elsewhere).")
        Path file;

        @picocli.CommandLine.Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            Path log = file != null ? file : new ClusterLayout(dir).auditLog();
            if (!Files.isRegularFile(log)) {
                spec.commandLine().getErr().println("error: no audit log at " + log);
                return 1;
            }
            AuditChain.Result result = AuditChain.verify(log);
            if (result.firstBreak().isPresent()) {
                AuditChain.Break bad = result.firstBreak().get();
                spec.commandLine().getErr().println(log + ": line " + bad.line() + ": " + bad.reason() + " ("
                        + result.records() + " records before it hold together)");
                return 1;
            }
            spec.commandLine().getOut().println(log + ": " + result.records() + " records, chain intact (last hash "
                    + result.lastHash() + ")");
            return 0;
        }
    }
}
