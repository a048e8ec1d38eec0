package io.mallard.testing;

import io.mallard.data.store.S3Credentials;
import io.mallard.data.store.S3Location;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Properties;
import javax.net.ssl.SSLContext;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStoreContext;
import org.jclouds.filesystem.FilesystemApiMetadata;

/**
 * A real S3-compatible server in this JVM for tests: s3proxy on 127.0.0.1 (port chosen by the system) over jclouds'
 * filesystem backend in a temporary directory, checking SigV4 signatures (headers and pre-signed URLs) against a random
 * access key made for this fixture. {@code try (S3ProxyFixture s3 = S3ProxyFixture.start()) { ... }}.
 */
public final class S3ProxyFixture implements AutoCloseable {
    private static final String HOST = "127.0.0.1";

    private final Path dir;
    private final String accessKey;
    private final String secretKey;
    private BlobStoreContext blobs;
    private S3Proxy proxy;
    private URI endpoint;
    private URI secureEndpoint;

    private S3ProxyFixture() throws IOException {
        this.dir = Files.createTempDirectory("mallard-s3proxy-");
        SecureRandom random = new SecureRandom();
        this.accessKey = "mallard-test-" + randomHex(random, 6);
        this.secretKey = randomHex(random, 20);
    }

    /** Starts a server speaking plain HTTP. */
    public static S3ProxyFixture start() throws Exception {
        return start(null);
    }

    /**
     * Starts a server speaking HTTP and, if {@code serverTls} is not null, also HTTPS with it on a second port (its
     * certificate must name 127.0.0.1). Both serve the same buckets.
     */
    public static S3ProxyFixture start(SSLContext serverTls) throws Exception {
        S3ProxyFixture fixture = new S3ProxyFixture();
        try {
            fixture.startServer(serverTls);
            return fixture;
        } catch (Exception | Error e) {
            fixture.close();
            throw e;
        }
    }

    private void startServer(SSLContext serverTls) throws Exception {
        Properties properties = new Properties();
        properties.setProperty("jclouds.filesystem.basedir", dir.toString());
        // By its API metadata, not by name: a lookup by name would instantiate every jclouds provider on the class
        // path, including s3proxy's Azure one, whose dependencies are left out.
        blobs = ContextBuilder.newBuilder(new FilesystemApiMetadata()).credentials(accessKey, secretKey).overrides(properties)
                .build(BlobStoreContext.class);
        S3Proxy.Builder builder = S3Proxy.builder()
                .blobStore(blobs.getBlobStore())
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, accessKey, secretKey)
                .jettyMaxThreads(16)
                .endpoint(URI.create("http://" + HOST + ":0"));
        if (serverTls != null) {
            builder.secureEndpoint(URI.create("https://" + HOST + ":0")).sslContext(serverTls);
        }
        proxy = builder.build();
        proxy.start(); // Jetty's start returns once the connectors listen
        if (!"STARTED".equals(proxy.getState())) { // Jetty's life-cycle state names
            throw new IllegalStateException("s3proxy did not start: " + proxy.getState());
        }
        endpoint = URI.create("http://" + HOST + ":" + proxy.getPort());
        secureEndpoint = serverTls == null ? null : URI.create("https://" + HOST + ":" + proxy.getSecurePort());
    }

    /** {@code http://127.0.0.1:<port>}. */
    public URI endpoint() {
        return endpoint;
    }

    /** {@code https://127.0.0.1:<port>}, if started with TLS. */
    public URI secureEndpoint() {
        if (secureEndpoint == null) {
            throw new IllegalStateException("this s3proxy was started without TLS");
        }
        return secureEndpoint;
    }

    public String accessKey() {
        return accessKey;
    }

    public String secretKey() {
        return secretKey;
    }

    /** The credentials this server accepts. */
    public S3Credentials credentials() {
        return S3Credentials.of(accessKey, secretKey);
    }

    /** {@code s3://bucket/prefix} on this server's HTTP endpoint, path-style. */
    public S3Location location(String bucket, String prefix) {
        return S3Location.parse("s3://" + bucket + "/" + prefix).withEndpoint(endpoint).withPathStyle(true);
    }

    /** Creates a bucket (directly in the backend: the S3 API is what the tests exercise, not bucket creation). */
    public void createBucket(String bucket) {
        blobs.getBlobStore().createContainerInLocation(null, bucket);
    }

    /** Puts a file as an object (directly in the backend, as any other writer of the bucket would have). */
    public void putObject(String bucket, String key, Path file) throws IOException {
        org.jclouds.blobstore.BlobStore store = blobs.getBlobStore();
        store.putBlob(bucket, store.blobBuilder(key).payload(file.toFile()).contentLength(Files.size(file)).build());
    }

    /** Stops the server and deletes every stored object; safe to call twice and after a failed start. */
    @Override
    public void close() throws Exception {
        Exception failure = null;
        if (proxy != null) {
            try {
                proxy.stop();
            } catch (Exception e) {
                failure = e;
            }
            proxy = null;
        }
        if (blobs != null) {
            blobs.close();
            blobs = null;
        }
        try {
            deleteRecursively(dir);
        } catch (IOException | UncheckedIOException e) {
            if (failure == null) {
                failure = e;
            } else {
                failure.addSuppressed(e);
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    private static String randomHex(SecureRandom random, int bytes) {
        byte[] b = new byte[bytes];
        random.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    private static void deleteRecursively(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                if (e != null) {
                    throw e;
                }
                Files.delete(d);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
