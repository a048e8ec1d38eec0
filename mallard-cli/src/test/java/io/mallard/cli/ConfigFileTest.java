package io.mallard.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.mallard.common.MallardException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code --config FILE}: every option of a server command as a key; the command line wins; a typo is an error. */
class ConfigFileTest {

    private static CoordinatorCommand coordinator(String... args) {
        CommandLine root = Main.commandLine();
        CommandLine.ParseResult parsed = root.parseArgs(ConfigFile.expand(root, args));
        return (CoordinatorCommand) parsed.subcommand().commandSpec().userObject();
    }

    @Test
    void keysSetOptionsAndTheCommandLineWins(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("mallard.properties"), String.join("\n",
                "# a coordinator", "dir = /var/lib/mallard", "port = 41000", "replicas = 2", "insecure = true",
                "query-timeout-ms = 5000", "no-compaction = false"));
        CoordinatorCommand fromFile = coordinator("coordinator", "--config", file.toString());
        assertThat(fromFile.port).isEqualTo(41000);
        assertThat(fromFile.replicas).isEqualTo(2);
        assertThat(fromFile.insecure).isTrue();
        assertThat(fromFile.dir).isEqualTo(Path.of("/var/lib/mallard"));
        CoordinatorCommand overridden = coordinator("coordinator", "--config=" + file, "--port", "42000");
        assertThat(overridden.port).isEqualTo(42000);
        assertThat(overridden.replicas).isEqualTo(2);
        CoordinatorCommand plain = coordinator("coordinator", "--dir", "x");
        assertThat(plain.port).isEqualTo(31337);
        assertThat(plain.insecure).isFalse();
    }

    @Test
    void anUnknownKeyOrABadFlagIsAnErrorNamingIt(@TempDir Path dir) throws Exception {
        Path typo = Files.writeString(dir.resolve("typo.properties"), "dir = x\nprot = 41000\n");
        MallardException e = catchThrowableOfType(MallardException.class,
                () -> coordinator("coordinator", "--config", typo.toString()));
        assertThat(e.getMessage()).contains("unknown key prot", typo.toString(), "port");
        Path flag = Files.writeString(dir.resolve("flag.properties"), "dir = x\ninsecure = maybe\n");
        assertThat(catchThrowableOfType(MallardException.class, () -> coordinator("coordinator", "--config", flag.toString()))
                .getMessage()).contains("insecure", "true or false");
        assertThat(catchThrowableOfType(MallardException.class,
                () -> coordinator("coordinator", "--config", dir.resolve("missing").toString())).getMessage())
                .contains("cannot read the config file");
    }

    @Test
    void theClientsConnectionFileRefusesTyposToo(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("client.properties"), "host = db.internal\nprot = 1\n");
        ConnectionOptions options = new ConnectionOptions();
        options.config = file;
        options.ca = dir.resolve("ca.pem");
        assertThat(catchThrowableOfType(MallardException.class, () -> options.resolve(false)).getMessage())
                .contains("unknown key prot", "host, port, user, password, ca");
        Files.writeString(file, "host = db.internal\nport = 1234\n");
        assertThat(options.resolve(false).host()).isEqualTo("db.internal");
        assertThat(options.resolve(false).port()).isEqualTo(1234);
    }
}
