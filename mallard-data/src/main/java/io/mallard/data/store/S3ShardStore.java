package io.mallard.data.store;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * Files in an S3 (or S3-compatible) bucket under a key prefix. Only the coordinator holds the credentials; a worker
 * gets a SigV4 pre-signed GET URL for one object that expires after the given time to live.
 *
 * <p>A pre-signed URL is a bearer secret until it expires: anyone who holds it can download that one object (and
 * nothing else: the signature covers bucket and key), from anywhere. S3 does not bind it to a worker, so
 * {@link #downloadUrl}'s worker id is not part of it; keep TTLs short ({@link #DEFAULT_URL_TTL}). A URL signed with
 * temporary credentials stops working when they expire, whatever its TTL.
 *
 * <p>Files larger than the part size are uploaded as multipart uploads; S3 makes the object visible only when the
 * last part is committed, so a put is atomic either way. Requests use the JDK's {@code HttpURLConnection} (the SDK's
 * url-connection client), so the SDK adds no netty and no Apache HTTP client. Checksums are sent only where S3
 * requires them, so S3-compatible servers that predate the SDK's default trailing checksums work; the manifest's
 * SHA-256, checked by every worker, guards the bytes end to end.
 */
public final class S3ShardStore implements ShardStore {
    /** Default part size (and the size above which a put becomes a multipart upload): 16 MiB. */
    public static final long DEFAULT_PART_SIZE = 16L << 20;
    /** Default time to live of a worker's download URL. */
    public static final Duration DEFAULT_URL_TTL = Duration.ofMinutes(5);
    /** SigV4 pre-signed URLs cannot live longer than a week. */
    public static final Duration MAX_URL_TTL = Duration.ofDays(7);

    private static final int LIST_PAGE_SIZE = 1000;

    private final S3Location location;
    private final long partSize;
    private final int listPageSize;
    private final S3Client s3;
    private final S3Presigner presigner;

    /** A store with {@link #DEFAULT_PART_SIZE}. */
    public S3ShardStore(S3Location location, S3Credentials credentials) {
        this(location, credentials, DEFAULT_PART_SIZE);
    }

    /**
     * @param partSize size of a multipart upload's parts, at least 5 MiB; files up to this size are put in one request
     */
    public S3ShardStore(S3Location location, S3Credentials credentials, long partSize) {
        this(location, credentials, partSize, LIST_PAGE_SIZE);
    }

    /** With a smaller listing page, so tests can see a listing span pages. */
    S3ShardStore(S3Location location, S3Credentials credentials, long partSize, int listPageSize) {
        this.listPageSize = listPageSize;
        this.location = Objects.requireNonNull(location, "location");
        Objects.requireNonNull(credentials, "credentials");
        if (partSize < S3Multipart.MIN_PART_SIZE) {
            throw new IllegalArgumentException("S3 multipart parts must be at least 5 MiB, not " + partSize + " bytes");
        }
        this.partSize = partSize;
        this.s3 = S3Clients.client(location.service(), credentials);
        try {
            this.presigner = S3Clients.presigner(location.service(), credentials);
        } catch (RuntimeException e) {
            s3.close();
            throw e;
        }
    }

    /** Where the files are. */
    public S3Location location() {
        return location;
    }

    @Override
    public void put(String key, Path localFile) throws IOException {
        String objectKey = objectKey(key);
        long size = Files.size(localFile);
        try {
            if (size > partSize) {
                S3Multipart.upload(s3, location.bucket(), objectKey, localFile, size, partSize);
            } else {
                s3.putObject(b -> b.bucket(location.bucket()).key(objectKey).contentLength(size),
                        RequestBody.fromFile(localFile));
            }
        } catch (SdkException e) {
            throw translate(objectKey, e);
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    @Override
    public InputStream open(String key) throws IOException {
        String objectKey = objectKey(key);
        try {
            return s3.getObject(b -> b.bucket(location.bucket()).key(objectKey));
        } catch (SdkException e) {
            throw translate(objectKey, e);
        }
    }

    @Override
    public long size(String key) throws IOException {
        String objectKey = objectKey(key);
        try {
            return s3.headObject(b -> b.bucket(location.bucket()).key(objectKey)).contentLength();
        } catch (SdkException e) {
            throw translate(objectKey, e);
        }
    }

    @Override
    public boolean exists(String key) throws IOException {
        String objectKey = objectKey(key);
        try {
            s3.headObject(b -> b.bucket(location.bucket()).key(objectKey));
            return true;
        } catch (NoSuchKeyException e) {
            return false;
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                return false;
            }
            throw translate(objectKey, e);
        } catch (SdkException e) {
            throw translate(objectKey, e);
        }
    }

    @Override
    public void delete(String key) throws IOException {
        String objectKey = objectKey(key);
        try {
            s3.deleteObject(b -> b.bucket(location.bucket()).key(objectKey));
        } catch (SdkException e) {
            throw translate(objectKey, e);
        }
    }

    /** Objects under the prefix that no store key can name (such as folder markers ending in {@code /}) are left out. */
    @Override
    public List<String> list(String prefix) throws IOException {
        String objectPrefix = location.objectKey(StoreKey.requireValidPrefix(prefix));
        List<String> keys = new ArrayList<>();
        try {
            for (S3Object object : s3.listObjectsV2Paginator(b -> b.bucket(location.bucket()).prefix(objectPrefix)
                    .maxKeys(listPageSize))
                    .contents()) {
                String key = object.key().substring(location.prefix().length());
                if (StoreKey.isValid(key)) { // not folder markers ("a/b/") nor objects no store key names
                    keys.add(key);
                }
            }
        } catch (SdkException e) {
            throw translate(objectPrefix + "*", e);
        }
        keys.sort(null);
        return keys;
    }

    /**
     * A pre-signed GET URL for {@code key}, valid for {@code ttl} (at most {@link #MAX_URL_TTL}). The worker id is not
     * part of it: S3 cannot bind a URL to a worker (see the class comment).
     */
    @Override
    public URI downloadUrl(String key, String workerId, Duration ttl) {
        String objectKey = objectKey(key);
        if (ttl == null || ttl.isNegative() || ttl.isZero() || ttl.compareTo(MAX_URL_TTL) > 0) {
            throw new IllegalArgumentException("a pre-signed URL lives more than 0 s and at most 7 days, not " + ttl);
        }
        try {
            return presigner.presignGetObject(p -> p.signatureDuration(ttl)
                    .getObjectRequest(g -> g.bucket(location.bucket()).key(objectKey))).url().toURI();
        } catch (URISyntaxException e) {
            throw new IllegalStateException("the SDK made an invalid URL for " + objectKey, e);
        }
    }

    @Override
    public String describe() {
        return "S3 " + location.uri() + " at " + (location.endpoint() == null ? "AWS" : location.endpoint().toString())
                + " (region " + location.region() + (location.pathStyle() ? ", path-style" : "") + ")";
    }

    @Override
    public void close() {
        try {
            presigner.close();
        } finally {
            s3.close();
        }
    }

    private String objectKey(String key) {
        return location.objectKey(StoreKey.requireValid(key));
    }

    private IOException translate(String objectKey, SdkException e) {
        return S3Errors.translate("s3://" + location.bucket() + "/" + objectKey, describe(), e);
    }
}
