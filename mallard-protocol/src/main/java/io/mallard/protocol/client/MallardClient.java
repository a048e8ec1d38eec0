package io.mallard.protocol.client;

import io.mallard.common.ErrorCode;
import io.mallard.common.MallardException;
import io.mallard.protocol.Codec;
import io.mallard.protocol.Message;
import io.mallard.protocol.Messages;
import io.mallard.protocol.QuerySettings;
import io.mallard.protocol.Rpc;
import io.mallard.protocol.WireErrors;
import java.io.IOException;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.arrow.flight.CallOption;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.FlightRuntimeException;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.flight.Location;
import org.apache.arrow.flight.Ticket;
import org.apache.arrow.flight.grpc.CredentialCallOption;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;

/** A connection to a coordinator: log in once, then run queries, EXPLAIN, and read the cluster's status. */
public final class MallardClient implements AutoCloseable {
    private final BufferAllocator allocator;
    private final FlightClient client;
    private final CallOption auth;
    /** The session's settings, changed by {@code SET mallard.… = …} and sent with every query. */
    private final Map<String, String> settings = new java.util.concurrent.ConcurrentHashMap<>();

    private MallardClient(BufferAllocator allocator, FlightClient client, CallOption auth) {
        this.allocator = allocator;
        this.client = client;
        this.auth = auth;
    }

    /**
     * Connects over TLS trusting {@code caCertificate} (or plaintext when it is null and {@code insecure}), and
     * exchanges user name and password for a bearer token.
     */
    public static MallardClient connect(String host, int port, Path caCertificate, String user, String password) {
        return connect(host, port, caCertificate, user, password, false);
    }

    public static MallardClient connect(String host, int port, Path caCertificate, String user, String password,
            boolean insecure) {
        BufferAllocator allocator = new RootAllocator();
        FlightClient client = null;
        try {
            FlightClient.Builder builder = FlightClient.builder(allocator,
                    insecure ? Location.forGrpcInsecure(host, port) : Location.forGrpcTls(host, port));
            if (!insecure) {
                // the builder reads the stream only in build(), so hand it the bytes, not an open file
                builder.useTls().trustedCertificates(new ByteArrayInputStream(Files.readAllBytes(caCertificate)));
            }
            client = builder.build();
            CredentialCallOption token = client.authenticateBasicToken(user, password)
                    .orElseThrow(() -> new MallardException(ErrorCode.AUTHENTICATION_FAILED, "the coordinator issued no token"));
            return new MallardClient(allocator, client, token);
        } catch (FlightRuntimeException e) {
            closeQuietly(client, allocator);
            throw WireErrors.fromFlight(e);
        } catch (IOException e) {
            closeQuietly(client, allocator);
            throw new MallardException(ErrorCode.INVALID_ARGUMENT, "cannot read CA certificate " + caCertificate + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            closeQuietly(client, allocator);
            throw e;
        }
    }

    /**
     * Applies {@code SET mallard.name = value} to this session (validated at once). Returns whether {@code sql} was such
     * a statement.
     */
    public boolean applySetting(String sql) {
        java.util.Optional<Map.Entry<String, String>> set = QuerySettings.parseSet(sql);
        if (set.isEmpty()) {
            return false;
        }
        QuerySettings.of(settings).with(set.get().getKey(), set.get().getValue());
        settings.put(set.get().getKey(), set.get().getValue());
        return true;
    }

    private Ticket request(String sql) {
        return ticket(new Messages.QueryRequest(sql, Map.copyOf(settings)));
    }

    /** Runs a query and hands each Arrow batch to {@code consumer} while it streams in. */
    public void stream(String sql, Consumer<VectorSchemaRoot> consumer) {
        try (FlightStream stream = client.getStream(request(sql), auth)) {
            VectorSchemaRoot root = stream.getRoot();
            while (stream.next()) {
                consumer.accept(root);
            }
        } catch (FlightRuntimeException e) {
            throw WireErrors.fromFlight(e);
        } catch (MallardException e) {
            throw e;
        } catch (Exception e) {
            throw new MallardException(ErrorCode.INTERNAL_ERROR, "reading the result failed: " + e.getMessage(), e);
        }
    }

    /** Runs a query and returns all of its rows; a {@code SET mallard.…} statement changes the session and returns it. */
    public QueryRows query(String sql) {
        if (applySetting(sql)) {
            Map.Entry<String, String> set = QuerySettings.parseSet(sql).orElseThrow();
            return new QueryRows(List.of("setting", "value"), List.of("Utf8", "Utf8"),
                    List.of(List.of(set.getKey(), set.getValue())));
        }
        List<String> columns = new ArrayList<>();
        List<String> types = new ArrayList<>();
        List<List<Object>> rows = new ArrayList<>();
        try (FlightStream stream = client.getStream(request(sql), auth)) {
            VectorSchemaRoot root = stream.getRoot();
            for (FieldVector vector : root.getFieldVectors()) {
                columns.add(vector.getName());
                types.add(ArrowValues.typeName(vector));
            }
            while (stream.next()) {
                rows.addAll(ArrowValues.rows(root, stream.getDictionaryProvider()));
            }
        } catch (FlightRuntimeException e) {
            throw WireErrors.fromFlight(e);
        } catch (MallardException e) {
            throw e;
        } catch (Exception e) {
            throw new MallardException(ErrorCode.INTERNAL_ERROR, "reading the result failed: " + e.getMessage(), e);
        }
        return new QueryRows(columns, types, rows);
    }

    public Messages.PlanDescription explain(String sql) {
        return Rpc.call(client, new Messages.ExplainRequest(sql), Messages.PlanDescription.class, auth);
    }

    public Messages.ClusterStatus status() {
        return Rpc.call(client, new Messages.ClusterStatusRequest(), Messages.ClusterStatus.class, auth);
    }

    private static Ticket ticket(Message message) {
        return new Ticket(Codec.encode(message));
    }

    private static void closeQuietly(FlightClient client, BufferAllocator allocator) {
        try {
            if (client != null) {
                client.close();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        allocator.close();
    }

    @Override
    public void close() {
        closeQuietly(client, allocator);
    }
}
