package io.mallard.common.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.grpc.netty.GrpcSslContexts;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import org.apache.arrow.flight.CallStatus;
import org.apache.arrow.flight.Criteria;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.FlightInfo;
import org.apache.arrow.flight.FlightRuntimeException;
import org.apache.arrow.flight.FlightServer;
import org.apache.arrow.flight.Location;
import org.apache.arrow.flight.NoOpFlightProducer;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The generated files work with the TLS stacks Mallard uses: JDK HTTPS, Netty, gRPC, Arrow Flight. */
class TlsHandshakeTest {
    @TempDir Path dir;
    @TempDir Path otherDir;

    private TlsMaterial material;
    private TlsMaterial otherMaterial;
    private HttpsServer server;

    @BeforeEach
    void generate() throws IOException {
        material = TlsMaterial.generate(dir, List.of());
        otherMaterial = TlsMaterial.generate(otherDir, List.of());
    }

    @AfterEach
    void stopServer() {
        if (server != null) {
            server.stop(0);
        }
    }

    @Test
    void httpsClientTrustingTheCaGets200() throws Exception {
        URI uri = startHttpsServer();
        HttpResponse<String> response = client(material.caCertificate())
                .send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("quack");
    }

    @Test
    void httpsClientTrustingAnotherCaFailsTheHandshake() throws Exception {
        URI uri = startHttpsServer();
        HttpClient stranger = client(otherMaterial.caCertificate());
        assertThatThrownBy(() -> stranger.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString()))
                .isInstanceOf(SSLHandshakeException.class);
    }

    @Test
    void httpsClientWithTheJdkDefaultTrustFailsTheHandshake() throws Exception {
        URI uri = startHttpsServer();
        HttpClient defaults = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        assertThatThrownBy(() -> defaults.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString()))
                .isInstanceOf(SSLHandshakeException.class);
    }

    @ParameterizedTest
    @EnumSource(SslProvider.class)
    void nettyAcceptsTheChainAndKeyFiles(SslProvider provider) throws Exception {
        assumeTrue(provider == SslProvider.JDK || OpenSsl.isAvailable(), "netty-tcnative not loadable here");
        SslContext context = SslContextBuilder
                .forServer(material.serverCertificateChain().toFile(), material.serverPrivateKey().toFile())
                .sslProvider(provider)
                .build();
        assertThat(context.isServer()).isTrue();
        SslContext client = SslContextBuilder.forClient()
                .trustManager(material.caCertificate().toFile())
                .sslProvider(provider)
                .build();
        assertThat(client.isClient()).isTrue();
    }

    @Test
    void grpcAcceptsTheChainAndKeyFiles() throws Exception {
        SslContext context = GrpcSslContexts
                .forServer(material.serverCertificateChain().toFile(), material.serverPrivateKey().toFile())
                .build();
        assertThat(context.isServer()).isTrue();
    }

    @Test
    @SuppressWarnings("try") // Flight's close() may throw InterruptedException; the test rethrows it
    void arrowFlightOverTlsTrustsOnlyTheCa() throws Exception {
        try (BufferAllocator allocator = new RootAllocator();
                FlightServer flight = startFlightServer(allocator)) {
            Location location = Location.forGrpcTls("127.0.0.1", flight.getPort());
            try (InputStream ca = Files.newInputStream(material.caCertificate());
                    FlightClient client = FlightClient.builder(allocator, location).trustedCertificates(ca).build()) {
                Iterable<FlightInfo> flights = client.listFlights(Criteria.ALL);
                assertThat(flights).isEmpty();
            }
            try (InputStream otherCa = Files.newInputStream(otherMaterial.caCertificate());
                    FlightClient stranger = FlightClient.builder(allocator, location).trustedCertificates(otherCa).build()) {
                assertThatThrownBy(() -> stranger.listFlights(Criteria.ALL).forEach(info -> { }))
                        .isInstanceOfSatisfying(FlightRuntimeException.class,
                                e -> assertThat(e.status().code()).isEqualTo(CallStatus.UNAVAILABLE.code()));
            }
        }
    }

    private FlightServer startFlightServer(BufferAllocator allocator) throws IOException {
        NoOpFlightProducer producer = new NoOpFlightProducer() {
            @Override
            public void listFlights(CallContext context, Criteria criteria, StreamListener<FlightInfo> listener) {
                listener.onCompleted();
            }
        };
        return FlightServer.builder(allocator, Location.forGrpcTls("127.0.0.1", 0), producer)
                .useTls(material.serverCertificateChain().toFile(), material.serverPrivateKey().toFile())
                .build()
                .start();
    }

    private URI startHttpsServer() throws Exception {
        SSLContext context = material.serverSslContext();
        server = HttpsServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(context));
        server.createContext("/", exchange -> {
            byte[] body = "quack".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
        return URI.create("https://127.0.0.1:" + server.getAddress().getPort() + "/");
    }

    private static HttpClient client(Path caCertificate) throws Exception {
        return HttpClient.newBuilder()
                .sslContext(TlsMaterial.clientSslContext(caCertificate))
                .connectTimeout(Duration.ofSeconds(10))
                .build();
    }
}
