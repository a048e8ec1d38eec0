package io.mallard.coordinator.imports;

import io.mallard.common.ErrorCode;
import io.mallard.common.MallardException;
import io.mallard.data.store.S3Endpoint;
import io.mallard.data.store.S3Location;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where a file a statement names may be read from: a path under the import directory (relative paths are relative to
 * it), or an {@code s3://bucket/key} object of the S3 import source, but not of the cluster's own shard store. Every
 * other name is refused: other URL schemes (http, gcs, azure, file…) as unsupported, paths outside the directory and
 * sources that are not configured as not permitted. Wildcards are allowed in the last parts of a path or key.
 */
final class ImportRules {
    private static final Pattern SCHEME = Pattern.compile("^([A-Za-z][A-Za-z0-9+.-]*)://");

    /** A name the rules accept. */
    sealed interface Source permits LocalSource, S3Source {
        String named();
    }

    /** An absolute, normalized path (perhaps with wildcards) that lies in the import directory as named. */
    record LocalSource(String named, Path path) implements Source {
    }

    /** An object key (perhaps with wildcards) of a bucket. */
    record S3Source(String named, String bucket, String key) implements Source {
        String uri() {
            return "s3://" + bucket + "/" + key;
        }
    }

    private final Path directory;
    private final Path realDirectory;
    private final S3Endpoint s3;
    private final S3Location store;

    /**
     * @param directory     the import directory as configured (absolute, normalized), or null
     * @param realDirectory the same with symbolic links resolved, or null
     * @param s3            the S3 import source's service, or null
     * @param store         the cluster's shard store when it is in S3, or null
     */
    ImportRules(Path directory, Path realDirectory, S3Endpoint s3, S3Location store) {
        this.directory = directory;
        this.realDirectory = realDirectory;
        this.s3 = s3;
        this.store = store;
    }

    Path realDirectory() {
        return realDirectory;
    }

    /** Classifies {@code named} (a path or URL as the statement wrote it), refusing what the rules do not allow. */
    Source classify(String named, int position) {
        Matcher scheme = SCHEME.matcher(named);
        if (scheme.find()) {
            String name = scheme.group(1).toLowerCase(Locale.ROOT);
            if (!name.equals("s3")) {
                throw new MallardException(ErrorCode.UNSUPPORTED_STATEMENT, "cannot read '" + named + "': " + name
                        + " URLs are not supported; files are read from s3:// URLs (the S3 import source) and from the "
                        + "import directory", position, null);
            }
            return s3(named, position);
        }
        return local(named, position);
    }

    private S3Source s3(String named, int position) {
        if (s3 == null) {
            throw new MallardException(ErrorCode.PERMISSION_DENIED, "cannot read '" + named + "': no S3 import source is "
                    + "configured (an admin starts the coordinator with --import-s3 or --import-s3-endpoint)", position, null);
        }
        String rest = named.substring("s3://".length());
        int slash = rest.indexOf('/');
        String bucket = slash < 0 ? rest : rest.substring(0, slash);
        String key = slash < 0 ? "" : rest.substring(slash + 1);
        if (!S3Location.isValidBucket(bucket)) {
            throw new MallardException(ErrorCode.INVALID_ARGUMENT, "cannot read '" + named + "': '" + bucket
                    + "' is not a valid bucket name", position, null);
        }
        if (key.isEmpty()) {
            throw new MallardException(ErrorCode.INVALID_ARGUMENT, "cannot read '" + named + "': name an object or a "
                    + "pattern of objects, such as s3://" + bucket + "/path/*.parquet", position, null);
        }
        if (store != null && store.bucket().equals(bucket) && Objects.equals(store.endpoint(), s3.endpoint())) {
            String fixed = Glob.of(key).literalPrefix();
            if (fixed.startsWith(store.prefix()) || store.prefix().startsWith(fixed)) {
                throw new MallardException(ErrorCode.PERMISSION_DENIED, "cannot read '" + named + "': it is in the "
                        + "cluster's shard store (" + store.uri() + "), whose files are not imported", position, null);
            }
        }
        return new S3Source(named, bucket, key);
    }

    private LocalSource local(String named, int position) {
        if (directory == null) {
            throw new MallardException(ErrorCode.PERMISSION_DENIED, "cannot read '" + named + "': no import directory is "
                    + "configured (an admin starts the coordinator with --import-dir); files of the coordinator's machine"
                    + " are read only from there", position, null);
        }
        Path path;
        try {
            Path given = Path.of(named);
            path = (given.isAbsolute() ? given : directory.resolve(given)).normalize();
        } catch (InvalidPathException e) {
            throw new MallardException(ErrorCode.INVALID_ARGUMENT, "cannot read '" + named + "': not a path ("
                    + e.getReason() + ")", position, null);
        }
        if (!path.startsWith(directory) && !path.startsWith(realDirectory)) {
            throw new MallardException(ErrorCode.PERMISSION_DENIED, "cannot read '" + named + "': it is outside the "
                    + "import directory " + directory + ", the only place files of the coordinator's machine are read "
                    + "from", position, null);
        }
        return new LocalSource(named, path);
    }
}
