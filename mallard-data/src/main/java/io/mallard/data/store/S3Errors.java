package io.mallard.data.store;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Turns the SDK's exceptions into the store's: by HTTP status and exception type, never by message text. The S3 error
 * code (such as {@code InvalidAccessKeyId}) only goes into the message, for the operator.
 */
final class S3Errors {
    private S3Errors() {
    }

    /**
     * @param what the object concerned, as {@code s3://bucket/key}
     * @param where the store, for the message
     */
    static IOException translate(String what, String where, SdkException e) {
        if (e instanceof NoSuchKeyException) {
            return withCause(new NoSuchFileException(what, null, "no such key in " + where), e);
        }
        if (e instanceof S3Exception s3) {
            String code = s3.awsErrorDetails() == null ? null : s3.awsErrorDetails().errorCode();
            String detail = "HTTP " + s3.statusCode() + (code == null ? "" : " " + code)
                    + (s3.awsErrorDetails() == null || s3.awsErrorDetails().errorMessage() == null ? ""
                            : " (" + s3.awsErrorDetails().errorMessage() + ")");
            return switch (s3.statusCode()) {
                case 404 -> "NoSuchBucket".equals(code)
                        ? new IOException("the bucket of " + where + " does not exist: " + detail, e)
                        : withCause(new NoSuchFileException(what, null, "not found in " + where + ": " + detail), e);
                case 401, 403 -> withCause(new AccessDeniedException(what, null, where + " refused the coordinator's "
                        + "credentials or their permissions: " + detail + "; check the S3 access key, its secret and "
                        + "the bucket policy"), e);
                default -> new IOException(where + " failed on " + what + ": " + detail, e);
            };
        }
        if (e instanceof SdkClientException) {
            return new IOException("cannot reach " + where + " for " + what + ": " + e.getMessage(), e);
        }
        return new IOException(where + " failed on " + what + ": " + e.getMessage(), e);
    }

    private static <T extends IOException> T withCause(T exception, Throwable cause) {
        exception.initCause(cause);
        return exception;
    }
}
