package io.mallard.data.store;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Predicate;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Reads objects of S3 buckets for imports ({@code read_parquet('s3://…')}, {@code COPY … FROM 's3://…'}): finds the
 * objects a statement names and downloads each, checked, to a local file. Only the coordinator holds the credentials;
 * nothing here writes or deletes objects.
 *
 * <p>A download is checked against what the listing (or HEAD) saw: it is requested with {@code If-Match} on the
 * object's ETag, so an object replaced since is refused rather than read half old, half new, and its length must be
 * the listed size. (No content checksum is asked for: S3-compatible servers such as s3proxy refuse
 * {@code x-amz-checksum-mode}, and an import has no digest of its own to compare with.)
 */
public final class S3ObjectReader implements Closeable {
    private static final int LIST_PAGE_SIZE = 1000;

    /** An object as listed: where it is, its size and its ETag (quotes included, as S3 sends it). */
    public record Listed(String bucket, String key, long size, String etag) {
        public String uri() {
            return "s3://" + bucket + "/" + key;
        }
    }

    private final S3Endpoint service;
    private final S3Client s3;

    public S3ObjectReader(S3Endpoint service, S3Credentials credentials) {
        this.service = Objects.requireNonNull(service, "service");
        this.s3 = S3Clients.client(service, Objects.requireNonNull(credentials, "credentials"));
    }

    /** The object {@code key} of {@code bucket} (a HEAD request: needs {@code s3:GetObject} only). */
    public Listed head(String bucket, String key) throws IOException {
        try {
            HeadObjectResponse head = s3.headObject(b -> b.bucket(bucket).key(key));
            return new Listed(bucket, key, head.contentLength(), head.eTag());
        } catch (SdkException e) {
            throw translate("s3://" + bucket + "/" + key, e);
        }
    }

    /**
     * The objects of {@code bucket} whose key starts with {@code prefix} and passes {@code filter}, in key order.
     *
     * @throws IOException also when more than {@code max} objects pass, naming the limit
     */
    public List<Listed> list(String bucket, String prefix, Predicate<String> filter, int max) throws IOException {
        List<Listed> out = new ArrayList<>();
        try {
            for (S3Object object : s3.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(prefix).maxKeys(LIST_PAGE_SIZE))
                    .contents()) {
                if (object.key().endsWith("/") || !filter.test(object.key())) {
                    continue; // folder markers hold no rows
                }
                if (out.size() == max) {
                    throw new IOException("more than " + max + " objects match in s3://" + bucket + "/" + prefix
                            + "; load them in several statements");
                }
                out.add(new Listed(bucket, object.key(), object.size(), object.eTag()));
            }
        } catch (SdkException e) {
            throw translate("s3://" + bucket + "/" + prefix + "*", e);
        }
        out.sort((a, b) -> a.key().compareTo(b.key()));
        return out;
    }

    /**
     * Downloads {@code object} to {@code target} (replacing it), checked as the class comment says; a failed download
     * leaves no file.
     */
    public void download(Listed object, Path target) throws IOException {
        Path partial = target.resolveSibling(target.getFileName() + ".download");
        try {
            try (InputStream in = s3.getObject(b -> b.bucket(object.bucket()).key(object.key()).ifMatch(object.etag()))) {
                Files.copy(in, partial, StandardCopyOption.REPLACE_EXISTING);
            }
            long size = Files.size(partial);
            if (size != object.size()) {
                throw new IOException(object.uri() + " changed while it was read: " + size + " bytes arrived, the listing"
                        + " said " + object.size());
            }
            Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (S3Exception e) {
            Files.deleteIfExists(partial);
            if (e.statusCode() == 412) {
                throw new IOException(object.uri() + " changed after it was listed (its ETag is no longer "
                        + object.etag() + "); run the statement again", e);
            }
            throw translate(object.uri(), e);
        } catch (SdkException e) {
            Files.deleteIfExists(partial);
            throw translate(object.uri(), e);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(partial);
            throw e;
        }
    }

    /** The service, for messages; never a credential. */
    public String describe() {
        return "S3 import source at " + service.describe();
    }

    @Override
    public void close() {
        s3.close();
    }

    private IOException translate(String what, SdkException e) {
        return S3Errors.translate(what, describe(), e);
    }
}
