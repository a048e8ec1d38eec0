package io.mallard.worker;

import io.mallard.common.ErrorCode;
import io.mallard.common.MallardException;
import io.mallard.common.security.TlsMaterial;
import io.mallard.protocol.Messages.FileGrant;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
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
import java.util.Locale;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;

/**
 * Downloads a granted shard, hashing while streaming, and keeps the file only if its SHA-256 matches the manifest's.
 * A file already on disk with the right hash is not fetched again.
 *
 * <p>Which TLS certificates a download trusts depends on where the URL points:
 * <ul>
 *   <li>{@code https} on the coordinator's host (its shard server): only the cluster CA, as for every other
 *       connection to the coordinator;</li>
 *   <li>{@code https} on any other host (an S3 endpoint with a pre-signed URL): the JVM's default trust store, since
 *       such endpoints present certificates from public CAs; the cluster CA is not trusted there;</li>
 *   <li>{@code http} only on a loopback address (an S3-compatible server the admin runs on the same machine). The
 *       SHA-256 check would catch altered bytes anywhere, but a pre-signed URL is a bearer secret until it expires,
 *       and over plaintext anyone on the path could read it and download the shard too.</li>
 * </ul>
 * Redirects are not followed: a URL either serves the shard or fails.
 */
final class ShardFetcher {
    private static final Pattern IPV4_LITERAL = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ShardFetcher.class);

    private final HttpClient clusterHttp;
    private final HttpClient otherHttp;
    private final String coordinatorHost;
    private final Path dataDir;

    /** Every {@code https} URL is taken as the coordinator's: only the cluster CA is trusted. */
    ShardFetcher(Path caCertificate, Path dataDir) throws IOException {
        this(caCertificate, null, dataDir);
    }

    /**
     * @param caCertificate   the cluster CA, trusted for {@code https} URLs on {@code coordinatorHost}
     * @param coordinatorHost the host name or address in the coordinator's shard URLs (its advertised host); null
     *                        takes every {@code https} host as the coordinator's
     */
    ShardFetcher(Path caCertificate, String coordinatorHost, Path dataDir) throws IOException {
        this(clusterTls(caCertificate), coordinatorHost, defaultTls(), dataDir);
    }

    /** With explicit trust for hosts other than the coordinator's (the JVM default in production). */
    ShardFetcher(SSLContext clusterTls, String coordinatorHost, SSLContext otherTls, Path dataDir) throws IOException {
        this.clusterHttp = HttpClient.newBuilder().sslContext(clusterTls).connectTimeout(Duration.ofSeconds(10)).build();
        this.otherHttp = HttpClient.newBuilder().sslContext(otherTls).connectTimeout(Duration.ofSeconds(10)).build();
        this.coordinatorHost = coordinatorHost == null ? null : bare(coordinatorHost);
        this.dataDir = dataDir;
        Files.createDirectories(dataDir);
    }

    /** Where a held file is kept: {@code <data dir>/<file id>.duckdb}. */
    Path fileOf(String fileId) {
        return WorkerDatabase.fileOf(dataDir, fileId);
    }

    /** The directory files are kept in. */
    Path dataDir() {
        return dataDir;
    }

    /**
     * Returns the verified local file, or throws SHARD_VERIFICATION_FAILED (the bad bytes are deleted). A file kept from
     * before whose hash no longer matches (damaged on disk) is deleted and downloaded again.
     */
    Path fetch(FileGrant grant) throws IOException, InterruptedException {
        Path target = fileOf(grant.fileId());
        if (matches(grant)) {
            return target;
        }
        if (Files.deleteIfExists(target)) {
            LOG.warn("file {}: the copy on disk does not match the granted SHA-256; deleted, downloading it again",
                    grant.fileId());
        }
        URI url = URI.create(grant.url());
        HttpClient http = clientFor(grant.fileId(), url);
        Path partial = dataDir.resolve(grant.fileId() + ".download");
        HttpRequest request = HttpRequest.newBuilder(url).timeout(Duration.ofMinutes(30)).GET().build();
        HttpResponse<InputStream> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
        } catch (IOException e) {
            SSLException tls = tlsCause(e);
            if (tls == null) {
                throw e;
            }
            throw new IOException(tlsAdvice(grant.fileId(), url, tls), e);
        }
        String actual;
        try (InputStream body = response.body()) {
            if (response.statusCode() != 200) {
                throw new MallardException(ErrorCode.SHARD_VERIFICATION_FAILED, "download of file " + grant.fileId()
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
            throw new MallardException(ErrorCode.SHARD_VERIFICATION_FAILED, "file " + grant.fileId()
                    + " failed verification: SHA-256 " + actual + " does not match the catalog's " + grant.sha256());
        }
        Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return target;
    }

    /** The client whose trust fits the URL's host, or SHARD_VERIFICATION_FAILED for a URL no policy allows. */
    private HttpClient clientFor(String shardId, URI url) {
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
        String host = url.getHost() == null ? "" : bare(url.getHost());
        if (scheme.equals("https") && !host.isEmpty()) {
            return isCoordinatorHost(host) ? clusterHttp : otherHttp;
        }
        if (scheme.equals("http") && isLoopback(host)) {
            return otherHttp;
        }
        // The URL itself is a secret: name only its scheme and host.
        throw new MallardException(ErrorCode.SHARD_VERIFICATION_FAILED, "refusing to download shard " + shardId
                + " from " + scheme + "://" + host + ": only https, or http to a loopback address, may carry a download"
                + " URL (it is a bearer secret until it expires)");
    }

    private boolean isCoordinatorHost(String host) {
        if (coordinatorHost == null || host.equalsIgnoreCase(coordinatorHost)) {
            return true;
        }
        if (isIpLiteral(host) && isIpLiteral(coordinatorHost)) { // "::1" and "0:0:0:0:0:0:0:1" are one address
            return literal(host).equals(literal(coordinatorHost));
        }
        return false;
    }

    private String tlsAdvice(String shardId, URI url, SSLException e) {
        String host = bare(url.getHost());
        if (isCoordinatorHost(host)) {
            return "TLS to the coordinator's shard server " + host + " failed for shard " + shardId + " (only the "
                    + "cluster CA is trusted there): " + e.getMessage();
        }
        return "TLS to " + host + " failed for shard " + shardId + ": " + e.getMessage() + ". " + host + " is not the "
                + "coordinator's host " + coordinatorHost + ", so its certificate must chain to the JVM's default trust "
                + "store (as an S3 endpoint's does); if " + host + " is the coordinator's shard server, give the "
                + "coordinator --advertise-host " + coordinatorHost;
    }

    private static SSLException tlsCause(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SSLException tls) {
                return tls;
            }
        }
        return null;
    }

    /** {@code localhost}, or an IP literal in 127.0.0.0/8 or ::1; names other than localhost are not resolved. */
    private static boolean isLoopback(String host) {
        return host.equalsIgnoreCase("localhost") || isIpLiteral(host) && literal(host).isLoopbackAddress();
    }

    private static boolean isIpLiteral(String host) {
        return IPV4_LITERAL.matcher(host).matches() || host.contains(":");
    }

    /** Parses an IP literal; never a DNS lookup, as {@link #isIpLiteral} holds. */
    private static InetAddress literal(String host) {
        try {
            return InetAddress.getByName(host);
        } catch (UnknownHostException e) {
            throw new MallardException(ErrorCode.SHARD_VERIFICATION_FAILED, "not an IP address: " + host);
        }
    }

    /** A host without IPv6 brackets. */
    private static String bare(String host) {
        return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }

    private static SSLContext clusterTls(Path caCertificate) throws IOException {
        try {
            return TlsMaterial.clientSslContext(caCertificate);
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot load the cluster CA " + caCertificate + ": " + e.getMessage(), e);
        }
    }

    private static SSLContext defaultTls() throws IOException {
        try {
            return SSLContext.getDefault();
        } catch (GeneralSecurityException e) {
            throw new IOException("the JVM's default TLS trust store cannot be loaded: " + e.getMessage(), e);
        }
    }

    /** Whether the file is on disk with the granted size and SHA-256. */
    boolean matches(FileGrant grant) throws IOException {
        Path file = fileOf(grant.fileId());
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
