package io.mallard.client;

import io.mallard.common.ErrorCode;
import io.mallard.common.MallardException;
import io.mallard.protocol.WireErrors;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import org.apache.arrow.flight.CallOption;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.FlightRuntimeException;
import org.apache.arrow.flight.Location;
import org.apache.arrow.flight.grpc.CredentialCallOption;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;

/**
 * A logged-in Flight connection to a coordinator, shared by both clients: TLS trusting the cluster's CA (or plaintext
 * with {@code insecure}), user name and password exchanged for a bearer token that every call carries.
 */
record FlightLogin(BufferAllocator allocator, FlightClient flight, CallOption token) implements AutoCloseable {

    /** Connects and logs in; fails with AUTHENTICATION_FAILED on a wrong user or password. */
    static FlightLogin open(ConnectOptions options) {
        BufferAllocator allocator = new RootAllocator();
        FlightClient flight = null;
        try {
            FlightClient.Builder builder = FlightClient.builder(allocator, options.insecure()
                    ? Location.forGrpcInsecure(options.host(), options.port())
                    : Location.forGrpcTls(options.host(), options.port()));
            if (!options.insecure()) {
                // the builder reads the stream only in build(), so hand it the bytes, not an open file
                builder.useTls().trustedCertificates(new ByteArrayInputStream(Files.readAllBytes(options.caCertificate())));
            }
            flight = builder.build();
            CredentialCallOption token = flight.authenticateBasicToken(options.user(), options.password())
                    .orElseThrow(() -> new MallardException(ErrorCode.AUTHENTICATION_FAILED, "the coordinator issued no token"));
            return new FlightLogin(allocator, flight, token);
        } catch (IOException e) {
            close(flight, allocator);
            throw new MallardException(ErrorCode.INVALID_ARGUMENT, "cannot read CA certificate " + options.caCertificate()
                    + ": " + e.getMessage(), e);
        } catch (FlightRuntimeException e) {
            close(flight, allocator);
            throw WireErrors.fromFlight(e);
        } catch (RuntimeException e) {
            close(flight, allocator);
            throw e;
        }
    }

    private static void close(FlightClient flight, BufferAllocator allocator) {
        try {
            if (flight != null) {
                flight.close();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        allocator.close();
    }

    @Override
    public void close() {
        close(flight, allocator);
    }
}
