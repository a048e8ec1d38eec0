package io.mallard.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import io.mallard.common.ErrorCode;
import io.mallard.common.MallardException;
import io.netty.handler.ssl.NotSslRecordException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import javax.net.ssl.SSLHandshakeException;
import org.apache.arrow.flight.CallStatus;
import org.apache.arrow.flight.FlightRuntimeException;
import org.junit.jupiter.api.Test;

/**
 * One case per entry of {@link ConnectionErrors}' table, with the failure shapes gRPC gives (the real ones are checked
 * against a coordinator in SecurityTest); anything else keeps the code the wire mapping gives it.
 */
class ConnectionErrorsTest {
    private static final ConnectionErrors.Target TLS = new ConnectionErrors.Target("db.example", 31337, false,
            Path.of("cluster/tls/ca.pem"));
    private static final ConnectionErrors.Target PLAIN = new ConnectionErrors.Target("db.example", 31337, true, null);

    private static FlightRuntimeException unavailable(Throwable cause) {
        return CallStatus.UNAVAILABLE.withDescription("io exception").withCause(cause).toRuntimeException();
    }

    @Test
    void anUnknownHostAndARefusedConnectionAreConnectionFailures() {
        MallardException host = ConnectionErrors.explain(unavailable(new RuntimeException(
                new UnknownHostException("db.example"))), TLS);
        assertThat(host.code()).isEqualTo(ErrorCode.CONNECTION_FAILED);
        assertThat(host.getMessage()).startsWith("unknown host 'db.example'");
        MallardException refused = ConnectionErrors.explain(unavailable(new ConnectException("Connection refused")), TLS);
        assertThat(refused.code()).isEqualTo(ErrorCode.CONNECTION_FAILED);
        assertThat(refused.getMessage()).startsWith("nothing accepts connections at db.example:31337");
    }

    @Test
    void certificateAndHandshakeProblemsAreTlsFailures() {
        SSLHandshakeException untrusted = new SSLHandshakeException("General OpenSslEngine problem");
        untrusted.initCause(new CertificateException("unable to find valid certification path to requested target"));
        MallardException ca = ConnectionErrors.explain(unavailable(untrusted), TLS);
        assertThat(ca.code()).isEqualTo(ErrorCode.TLS_FAILED);
        assertThat(ca.getMessage()).startsWith("the certificate of db.example:31337 is not trusted: it is not signed by "
                + "the CA in " + Path.of("cluster/tls/ca.pem")).endsWith("(unable to find valid certification path to "
                + "requested target)");
        MallardException plain = ConnectionErrors.explain(unavailable(new NotSslRecordException("not an SSL/TLS record")),
                TLS);
        assertThat(plain.code()).isEqualTo(ErrorCode.TLS_FAILED);
        assertThat(plain.getMessage()).startsWith("db.example:31337 does not answer in TLS");
        MallardException other = ConnectionErrors.explain(unavailable(new SSLHandshakeException("handshake timed out")),
                TLS);
        assertThat(other.code()).isEqualTo(ErrorCode.TLS_FAILED);
        assertThat(other.getMessage()).isEqualTo("the TLS handshake with db.example:31337 failed: handshake timed out");
    }

    @Test
    void aPlaintextConnectionClosedWithoutAWordMeansTlsOnlyWhenTheClientWasInsecure() {
        FlightRuntimeException closed = CallStatus.UNAVAILABLE.withDescription("Network closed for unknown reason")
                .toRuntimeException();
        assertThat(ConnectionErrors.explain(closed, PLAIN).code()).isEqualTo(ErrorCode.TLS_FAILED);
        assertThat(ConnectionErrors.explain(closed, TLS).code()).isEqualTo(ErrorCode.CONNECTION_FAILED);
    }

    @Test
    void errorsTheCoordinatorSentStandAsTheyAre() {
        MallardException refused = new MallardException(ErrorCode.AUTHENTICATION_FAILED, "wrong user name or password");
        assertThat(ConnectionErrors.explain(refused, PLAIN)).isSameAs(refused);
        FlightRuntimeException sent = WireErrors.toFlight(refused);
        MallardException decoded = ConnectionErrors.explain(sent, TLS);
        assertThat(decoded.code()).isEqualTo(ErrorCode.AUTHENTICATION_FAILED);
        assertThat(decoded.getMessage()).isEqualTo("wrong user name or password");
    }
}
