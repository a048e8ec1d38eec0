package io.mallard.common.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CredentialsTest {
    private static final char[] PASSWORD = "Wh1te-Pekin".toCharArray();

    @TempDir Path dir;

    @Test
    void generateWritesTheDocumentedFile() throws IOException {
        Credentials credentials = Credentials.generate(dir, "root", PASSWORD);

        JsonNode json = new ObjectMapper().readTree(dir.resolve("credentials.json").toFile());
        assertThat(json.get("joinToken").asText()).isEqualTo(credentials.joinToken()).hasSize(43);
        assertThat(Base64.getDecoder().decode(json.get("urlSigningKey").asText()))
                .hasSize(32).isEqualTo(credentials.urlSigningKey());
        assertThat(json.get("users")).hasSize(1);
        JsonNode admin = json.get("users").get(0);
        assertThat(admin.get("name").asText()).isEqualTo("root");
        assertThat(admin.get("role").asText()).isEqualTo("admin");
        assertThat(admin.get("passwordHash").asText()).startsWith("$argon2id$v=19$m=19456,t=2,p=1$");
        assertThat(Files.readString(dir.resolve("admin-password.txt"))).isEqualTo("Wh1te-Pekin\n");
    }

    @Test
    void secretFilesAreOwnerOnly() throws IOException {
        assumeTrue(Files.getFileStore(dir).supportsFileAttributeView(PosixFileAttributeView.class));
        Credentials.generate(dir, "root", PASSWORD);
        assertThat(Files.getPosixFilePermissions(dir.resolve("credentials.json")))
                .isEqualTo(PosixFilePermissions.fromString("rw-------"));
        assertThat(Files.getPosixFilePermissions(dir.resolve("admin-password.txt")))
                .isEqualTo(PosixFilePermissions.fromString("rw-------"));
        try (var files = Files.list(dir)) {
            assertThat(files).as("no temporary files left").hasSize(2);
        }
    }

    @Test
    void loadRoundTrips() throws IOException {
        Credentials generated = Credentials.generate(dir, "root", PASSWORD);
        Credentials loaded = Credentials.load(dir);
        assertThat(loaded.joinToken()).isEqualTo(generated.joinToken());
        assertThat(loaded.urlSigningKey()).isEqualTo(generated.urlSigningKey());
        assertThat(loaded.users()).isEqualTo(generated.users());
    }

    @Test
    void authenticateChecksNameAndPassword() throws IOException {
        Credentials credentials = Credentials.load(generatedDir());
        assertThat(credentials.authenticate("root", PASSWORD))
                .hasValueSatisfying(user -> assertThat(user.role()).isEqualTo(UserRecord.ADMIN));
        assertThat(credentials.authenticate("root", "wh1te-pekin".toCharArray())).isEmpty();
        assertThat(credentials.authenticate("nobody", PASSWORD)).isEmpty();
        assertThat(credentials.authenticate(null, PASSWORD)).isEmpty();
        assertThat(credentials.authenticate("root", null)).isEmpty();
    }

    @Test
    void regeneratingMakesFreshSecrets() throws IOException {
        Credentials first = Credentials.generate(dir, "root", PASSWORD);
        Credentials second = Credentials.generate(dir, "root", PASSWORD);
        assertThat(second.joinToken()).isNotEqualTo(first.joinToken());
        assertThat(Credentials.load(dir).joinToken()).isEqualTo(second.joinToken());
    }

    @Test
    void loadWithoutAFileSaysWhatToDo() {
        assertThatThrownBy(() -> Credentials.load(dir))
                .isInstanceOf(NoSuchFileException.class)
                .hasMessageContaining("credentials.json")
                .hasMessageContaining("mallard bootstrap");
    }

    @Test
    void loadRejectsMalformedFiles() throws IOException {
        Path file = dir.resolve("credentials.json");
        Files.writeString(file, "{not json");
        assertThatThrownBy(() -> Credentials.load(dir)).isInstanceOf(IOException.class).hasMessageContaining("not valid JSON");

        Files.writeString(file, "{\"joinToken\":\"t\",\"urlSigningKey\":\"AAAA\",\"users\":[]}");
        assertThatThrownBy(() -> Credentials.load(dir)).isInstanceOf(IOException.class).hasMessageContaining("urlSigningKey");

        String key = Base64.getEncoder().encodeToString(new byte[32]);
        Files.writeString(file, "{\"joinToken\":\"t\",\"urlSigningKey\":\"" + key
                + "\",\"users\":[{\"name\":\"a\",\"role\":\"superuser\",\"passwordHash\":\"h\"}]}");
        assertThatThrownBy(() -> Credentials.load(dir)).isInstanceOf(IOException.class).hasMessageContaining("superuser");

        Files.writeString(file, "{\"joinToken\":\"t\",\"urlSigningKey\":\"" + key + "\",\"users\":["
                + "{\"name\":\"a\",\"role\":\"user\",\"passwordHash\":\"h\"},"
                + "{\"name\":\"a\",\"role\":\"readonly\",\"passwordHash\":\"h\"}]}");
        assertThatThrownBy(() -> Credentials.load(dir)).isInstanceOf(IOException.class).hasMessageContaining("twice");
    }

    @Test
    void generateRejectsBadArguments() {
        assertThatThrownBy(() -> Credentials.generate(dir, " ", PASSWORD)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Credentials.generate(dir, "root", new char[0])).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void toStringsKeepSecretsOut() throws IOException {
        Credentials credentials = Credentials.generate(dir, "root", PASSWORD);
        assertThat(credentials.toString()).contains("root").doesNotContain(credentials.joinToken()).doesNotContain("argon2");
    }

    private Path generatedDir() throws IOException {
        Credentials.generate(dir, "root", PASSWORD);
        return dir;
    }
}
