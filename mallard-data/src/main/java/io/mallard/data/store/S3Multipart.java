package io.mallard.data.store;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;

/**
 * Uploads one file as an S3 multipart upload: parts of a fixed size read straight from the file (each part can be
 * re-read if the SDK retries it), completed in one atomic step, or aborted on any failure so no parts are left billed.
 */
final class S3Multipart {
    /** S3 refuses parts smaller than this (except the last). */
    static final long MIN_PART_SIZE = 5L << 20;
    /** S3's limit on parts per upload. */
    static final int MAX_PARTS = 10_000;

    private S3Multipart() {
    }

    /** Returns the number of parts uploaded. */
    static int upload(S3Client s3, String bucket, String objectKey, Path file, long size, long partSize) {
        long effectivePartSize = Math.max(partSize, (size + MAX_PARTS - 1) / MAX_PARTS);
        String uploadId = s3.createMultipartUpload(b -> b.bucket(bucket).key(objectKey)).uploadId();
        try {
            List<CompletedPart> parts = new ArrayList<>();
            for (long offset = 0; offset < size; offset += effectivePartSize) {
                int number = parts.size() + 1;
                long length = Math.min(effectivePartSize, size - offset);
                try (FileRange range = new FileRange(file, offset, length)) {
                    String eTag = s3.uploadPart(b -> b.bucket(bucket).key(objectKey).uploadId(uploadId)
                                    .partNumber(number).contentLength(length),
                            RequestBody.fromContentProvider(range, length, "application/octet-stream")).eTag();
                    parts.add(CompletedPart.builder().partNumber(number).eTag(eTag).build());
                }
            }
            s3.completeMultipartUpload(b -> b.bucket(bucket).key(objectKey).uploadId(uploadId)
                    .multipartUpload(m -> m.parts(parts)));
            return parts.size();
        } catch (SdkException | UncheckedIOException e) {
            try {
                s3.abortMultipartUpload(b -> b.bucket(bucket).key(objectKey).uploadId(uploadId));
            } catch (SdkException abort) {
                e.addSuppressed(abort);
            }
            throw e;
        }
    }

    /** One part of the file; every {@link #newStream()} starts it over and closes the stream handed out before. */
    private static final class FileRange implements ContentStreamProvider, AutoCloseable {
        private final Path file;
        private final long offset;
        private final long length;
        private InputStream current;

        FileRange(Path file, long offset, long length) {
            this.file = file;
            this.offset = offset;
            this.length = length;
        }

        @Override
        public synchronized InputStream newStream() {
            try {
                close();
                FileChannel channel = FileChannel.open(file, StandardOpenOption.READ).position(offset);
                current = new BoundedInputStream(Channels.newInputStream(channel), length);
                return current;
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + file + " for upload", e);
            }
        }

        @Override
        public synchronized void close() {
            if (current != null) {
                try {
                    current.close();
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot close " + file, e);
                } finally {
                    current = null;
                }
            }
        }
    }

    /** At most {@code remaining} bytes of the underlying stream. */
    private static final class BoundedInputStream extends InputStream {
        private final InputStream in;
        private long remaining;

        BoundedInputStream(InputStream in, long limit) {
            this.in = in;
            this.remaining = limit;
        }

        @Override
        public int read() throws IOException {
            if (remaining <= 0) {
                return -1;
            }
            int b = in.read();
            if (b >= 0) {
                remaining--;
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int off, int len) throws IOException {
            if (remaining <= 0) {
                return -1;
            }
            int n = in.read(buffer, off, (int) Math.min(len, remaining));
            if (n > 0) {
                remaining -= n;
            }
            return n;
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }
}
