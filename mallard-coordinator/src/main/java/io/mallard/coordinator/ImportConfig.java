package io.mallard.coordinator;

import io.mallard.data.store.S3Credentials;
import io.mallard.data.store.S3Endpoint;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Where {@code INSERT … SELECT … FROM read_parquet(…)}, {@code CREATE TABLE … AS} and {@code COPY … FROM} may read
 * files: local paths only under {@code directory}, {@code s3://} URLs only through the S3 import source. Both are off
 * by default; a statement that names a file of a source that is off is refused.
 *
 * @param directory     the import directory (absolute), or null for none
 * @param s3            how to reach the S3 import source, or null for none
 * @param s3Credentials the coordinator's access key for reading import objects (null exactly when {@code s3} is)
 */
public record ImportConfig(Path directory, S3Endpoint s3, S3Credentials s3Credentials) {
    /** The variables of the import source's credentials: {@code MALLARD_IMPORT_AWS_ACCESS_KEY_ID} and so on. */
    public static final String CREDENTIALS_PREFIX = "MALLARD_IMPORT_";

    public ImportConfig {
        if ((s3 == null) != (s3Credentials == null)) {
            throw new IllegalArgumentException("an S3 import source needs an endpoint and credentials");
        }
        if (directory != null) {
            if (!directory.isAbsolute()) {
                throw new IllegalArgumentException("the import directory must be an absolute path, not " + directory);
            }
            directory = directory.normalize();
        }
    }

    /** No imports: every file a statement names is refused. */
    public static ImportConfig none() {
        return new ImportConfig(null, null, null);
    }

    public ImportConfig withDirectory(Path dir) {
        return new ImportConfig(dir == null ? null : dir.toAbsolutePath(), s3, s3Credentials);
    }

    public ImportConfig withS3(S3Endpoint service, S3Credentials credentials) {
        return new ImportConfig(directory, Objects.requireNonNull(service, "service"),
                Objects.requireNonNull(credentials, "credentials"));
    }
}
