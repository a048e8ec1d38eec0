package io.mallard.worker;

import io.mallard.common.ErrorCode;
import io.mallard.common.MallardException;
import io.mallard.common.security.TlsMaterial;
import io.mallard.protocol.Messages.ShardGrant;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;

/**
 * Downloads a granted shard over HTTPS (trusting only the cluster CA), hashing while streaming, and keeps the file
 * only if its SHA-256 matches the manifest's. A file already on disk with the right hash is not fetched again.
 */
final class ShardFetcher {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ShardFetcher.class);
    private final HttpClient http;
    private final Path dataDir;

    ShardFetcher(Path caCertificate, Path dataDir) throws IOException {
        try {
            this.http = HttpClient.newBuilder()
                    .sslContext(TlsMaterial.clientSslContext(caCertificate))
                    .connectTimeout(Duration.ofSeconds(10))
                    .build();
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot load the cluster CA " + caCertificate + ": " + e.getMessage(), e);
        }
        this.dataDir = dataDir;
        Files.createDirectories(dataDir);
    }

    /**
     * Returns the verified local file, or throws SHARD_VERIFICATION_FAILED (the bad bytes are deleted). A file kept from
     * before whose hash no longer matches (damaged on disk, or an older version) is deleted and downloaded again.
     */
    Path fetch(ShardGrant grant) throws IOException, InterruptedException {
        Path target = dataDir.resolve(grant.shardId() + ".duckdb");
        if (matches(grant)) {
            return target;
        }
        if (Files.deleteIfExists(target)) {
            LOG.warn("shard {}: the file on disk does not match the manifest's SHA-256; deleted, downloading it again",
                    grant.shardId());
        }
        Path partial = dataDir.resolve(grant.shardId() + ".download");
        HttpRequest request = HttpRequest.newBuilder(URI.create(grant.url())).timeout(Duration.ofMinutes(30)).GET().build();
        HttpResponse<InputStream> response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
        String actual;
        try (InputStream body = response.body()) {
            if (response.statusCode() != 200) {
                throw new MallardException(ErrorCode.SHARD_VERIFICATION_FAILED, "download of shard " + grant.shardId()
                        + " refused with HTTP " + response.statusCode() + ": " + new String(body.readNBytes(200)).strip());
            }
            MessageDigest sha = newSha256();
            try (DigestInputStream in = new DigestInputStream(body, sha); OutputStream out = Files.newOutputStream(partial)) {
                in.transferTo(out);
            }
            actual = HexFormat.of().formatHex(sha.digest());
        }
        if (!actual.equals(grant.sha256())) {
            Files.deleteIfExists(partial);
            throw new MallardException(ErrorCode.SHARD_VERIFICATION_FAILED, "shard " + grant.shardId()
                    + " failed verification: SHA-256 " + actual + " does not match the manifest's " + grant.sha256());
        }
        Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return target;
    }

    /** Whether the shard's file is on disk with the granted size and SHA-256. */
    boolean matches(ShardGrant grant) throws IOException {
        Path file = dataDir.resolve(grant.shardId() + ".duckdb");
        return Files.exists(file) && Files.size(file) == grant.size() && grant.sha256().equals(sha256(file));
    }

    static String sha256(Path file) throws IOException {
        MessageDigest sha = newSha256();
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), sha)) {
            in.transferTo(OutputStream.nullOutputStream());
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    private static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
