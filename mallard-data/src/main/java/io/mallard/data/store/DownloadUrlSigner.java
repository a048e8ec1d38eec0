package io.mallard.data.store;

import java.net.URI;
import java.time.Duration;

/**
 * Makes the download URL of a {@link LocalShardStore} file. The coordinator supplies it: its HTTPS server signs
 * {@code key} and {@code workerId} with an expiry (HMAC, {@code io.mallard.common.security.UrlSigner}) and serves
 * {@code /store/<key>} from {@link LocalShardStore#file(String)} to holders of a valid signature.
 */
@FunctionalInterface
public interface DownloadUrlSigner {
    /** A URL that lets {@code workerId} download {@code key} until {@code ttl} has passed. */
    URI sign(String key, String workerId, Duration ttl);
}
