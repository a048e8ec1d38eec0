package io.mallard.coordinator.imports;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.mallard.common.ErrorCode;
import io.mallard.common.MallardException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The import rules on local paths: what lies in the import directory is read, every other name is refused. */
class ImportSessionTest {
    @TempDir
    Path root;
    private Path imports;
    private ImportSession session;

    @BeforeEach
    void files() throws Exception {
        imports = Files.createDirectories(root.resolve("imports"));
        Files.createDirectories(imports.resolve("a/b"));
        Files.writeString(imports.resolve("one.csv"), "x\n1\n");
        Files.writeString(imports.resolve("two.csv"), "x\n2\n");
        Files.writeString(imports.resolve("a/three.csv"), "x\n3\n");
        Files.writeString(imports.resolve("a/b/four.csv"), "x\n4\n");
        Files.writeString(root.resolve("secret.csv"), "x\n5\n");
        Files.createSymbolicLink(imports.resolve("a/link.csv"), root.resolve("secret.csv"));
        session = new ImportSession(new ImportRules(imports, imports.toRealPath(), null, null), null,
                root.resolve("downloads"));
    }

    @Test
    void namesInTheDirectoryAreItsRealFiles() throws Exception {
        Path real = imports.toRealPath();
        assertThat(session.files(imports.resolve("one.csv").toString(), 0)).containsExactly(real.resolve("one.csv"));
        assertThat(session.files("one.csv", 0)).as("relative to the directory").containsExactly(real.resolve("one.csv"));
        assertThat(session.files("a/../two.csv", 0)).containsExactly(real.resolve("two.csv"));
        assertThat(session.files("*.csv", 0)).containsExactly(real.resolve("one.csv"), real.resolve("two.csv"));
        assertThat(session.files("**/[ft]*.csv", 0)).containsExactly(real.resolve("a/b/four.csv"),
                real.resolve("a/three.csv"), real.resolve("two.csv"));
    }

    @Test
    void namesOutsideTheDirectoryAreRefusedAndNamed() {
        assertRefused(root.resolve("secret.csv").toString(), ErrorCode.PERMISSION_DENIED, "outside the import directory");
        assertRefused("../secret.csv", ErrorCode.PERMISSION_DENIED, "outside the import directory");
        assertRefused("/etc/passwd", ErrorCode.PERMISSION_DENIED, "/etc/passwd");
        assertRefused("a/link.csv", ErrorCode.PERMISSION_DENIED, "symbolic link");
        assertRefused("a/*.csv", ErrorCode.PERMISSION_DENIED, "symbolic link");
    }

    @Test
    void otherSchemesAndUnconfiguredSourcesAreRefused() {
        assertRefused("https://example.com/x.csv", ErrorCode.UNSUPPORTED_STATEMENT, "https URLs are not supported");
        assertRefused("file:///etc/passwd", ErrorCode.UNSUPPORTED_STATEMENT, "file URLs are not supported");
        assertRefused("s3://bucket/x.csv", ErrorCode.PERMISSION_DENIED, "no S3 import source");
        ImportSession none = new ImportSession(new ImportRules(null, null, null, null), null, root.resolve("downloads"));
        MallardException e = catchThrowableOfType(MallardException.class, () -> none.files("one.csv", 3));
        assertThat(e.code()).isEqualTo(ErrorCode.PERMISSION_DENIED);
        assertThat(e.getMessage()).contains("no import directory");
        assertThat(e.position()).hasValue(3);
    }

    @Test
    void namesThatMatchNothingAreInvalid() {
        assertRefused("missing.csv", ErrorCode.INVALID_ARGUMENT, "missing.csv");
        assertRefused("*.parquet", ErrorCode.INVALID_ARGUMENT, "no file matches");
        assertRefused("a", ErrorCode.INVALID_ARGUMENT, "not a file");
    }

    private void assertRefused(String name, ErrorCode code, String message) {
        MallardException e = catchThrowableOfType(MallardException.class, () -> session.files(name, 7));
        assertThat(e).as(name).isNotNull();
        assertThat(e.code()).as(name + ": " + e.getMessage()).isEqualTo(code);
        assertThat(e.getMessage()).contains(name).contains(message);
        assertThat(e.position()).hasValue(7);
    }
}
