package io.mallard.cli.bench;

import io.mallard.cli.load.FileLoader;
import io.mallard.cli.load.LoadCounters;
import io.mallard.common.duck.BorrowedReader;
import io.mallard.common.duck.DuckArrow;
import io.mallard.common.security.TlsMaterial;
import io.mallard.coordinator.catalog.StreamWriter;
import io.mallard.data.Sql;
import io.mallard.data.TableRole;
import io.mallard.data.table.FileWriter;
import io.mallard.data.table.TableDef;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.apache.arrow.c.ArrowArrayStream;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.FlightDescriptor;
import org.apache.arrow.flight.FlightProducer;
import org.apache.arrow.flight.FlightServer;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.flight.Location;
import org.apache.arrow.flight.NoOpFlightProducer;
import org.apache.arrow.flight.PutResult;
import org.apache.arrow.flight.SyncPutListener;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * The two parts of a load that every path from a client's files into DuckDB database files on a server must pay, each
 * measured alone in this JVM on the same rows as {@code mallard load} reads them: the rows sent as Arrow over Flight
 * with TLS to a server that only counts them (both ends in this JVM), and one DuckDB taking the Arrow stream into a
 * table of a database file (Mallard's coordinator does this and more: eight files, hashed and stored). Their CPU with
 * the client's reading is a lower bound of a load's CPU; on a machine whose cores the client and the cluster share, that
 * CPU over the cores is a lower bound of a load's time.
 */
final class LoadParts {
    private static final long READY_POLL_NANOS = TimeUnit.MICROSECONDS.toNanos(200);

    private LoadParts() {
    }

    /** Sends the request's rows over Flight with the cluster's TLS to a server in this JVM that drops them. */
    static long transport(FileLoader.Request request, Path tlsDir) throws IOException, InterruptedException {
        TlsMaterial tls = TlsMaterial.load(tlsDir);
        FlightProducer counting = new NoOpFlightProducer() {
            @Override
            public Runnable acceptPut(CallContext context, FlightStream stream, StreamListener<PutResult> ack) {
                return () -> {
                    while (stream.next()) {
                        // the batch is received and decoded; nothing keeps it
                    }
                    ack.onCompleted();
                };
            }
        };
        try (BufferAllocator allocator = new RootAllocator();
                FlightServer server = FlightServer.builder(allocator, Location.forGrpcTls("127.0.0.1", 0), counting)
                        .useTls(tls.serverCertificateChain().toFile(), tls.serverPrivateKey().toFile()).build().start();
                InputStream ca = Files.newInputStream(tls.caCertificate());
                FlightClient client = FlightClient.builder(allocator, Location.forGrpcTls("127.0.0.1", server.getPort()))
                        .trustedCertificates(ca).build()) {
            return FileLoader.read(request, new LoadCounters(), (rows, ignored, knownRows) -> put(client, rows)).rows();
        }
    }

    private static long put(FlightClient client, ArrowReader rows) throws IOException {
        long sent = 0;
        try (SyncPutListener answer = new SyncPutListener()) {
            boolean more = rows.loadNextBatch();
            FlightClient.ClientStreamListener put = client.startPut(FlightDescriptor.path("parts"),
                    rows.getVectorSchemaRoot(), answer);
            put.setUseZeroCopy(true); // as mallard load sends its batches (each with buffers of its own)
            while (more) {
                while (!put.isReady()) {
                    LockSupport.parkNanos(READY_POLL_NANOS);
                }
                put.putNext();
                sent += rows.getVectorSchemaRoot().getRowCount();
                more = rows.loadNextBatch();
            }
            put.completed();
            put.getResult();
            return sent;
        }
    }

    /** One DuckDB takes the request's rows as an Arrow stream into a table of a new database file under {@code dir}. */
    static long duckdbImport(FileLoader.Request request, Path dir) throws IOException {
        Path file = dir.resolve("arrow-import.duckdb");
        Files.deleteIfExists(file);
        Files.deleteIfExists(dir.resolve("arrow-import.duckdb.wal"));
        try {
            return FileLoader.read(request, new LoadCounters(), (rows, allocator, knownRows) -> {
                try (Connection duck = DriverManager.getConnection("jdbc:duckdb:");
                        ArrowArrayStream stream = DuckArrow.register(duck, "arrow_rows", new BorrowedReader(rows, allocator),
                                allocator);
                        Statement s = duck.createStatement()) {
                    // one thread: DuckDB's cheapest import in CPU (more threads finish sooner but spend more)
                    s.execute("SET threads = 1");
                    s.execute("ATTACH " + Sql.literal(file.toString()) + " AS imported");
                    s.execute("CREATE TABLE imported.t AS SELECT * FROM arrow_rows");
                    long imported = Sql.queryLong(duck, "SELECT count(*) FROM imported.t");
                    s.execute("DETACH imported");
                    return imported;
                } catch (SQLException e) {
                    throw new IOException("DuckDB's import of the Arrow stream: " + e.getMessage(), e);
                }
            }).rows();
        } finally {
            Files.deleteIfExists(file);
        }
    }

    /**
     * The request's rows written into {@code shards} new database files as the coordinator's ingest writes a table
     * spread evenly ({@link StreamWriter}, told the number of rows as {@code mallard load} tells it), without Flight; the
     * files are deleted.
     */
    static long dealtImport(FileLoader.Request request, Path dir, int shards) throws IOException, SQLException {
        try (StreamWriter streams = new StreamWriter(dir)) {
            return FileLoader.read(request, new LoadCounters(), (rows, allocator, knownRows) -> {
                Schema schema = rows.getVectorSchemaRoot().getSchema();
                List<String> names = schema.getFields().stream().map(Field::getName).toList();
                TableDef table = new TableDef(0, "bench", TableRole.PARTITIONED, List.of(),
                        streams.columns(schema, names, allocator), List.of(), names.size());
                List<StreamWriter.ShardFile> files = streams.write(table, names, rows, allocator, shards,
                        knownRows);
                FileWriter.deleteQuietly(files.stream().map(StreamWriter.ShardFile::file).toList());
                return files.stream().mapToLong(f -> f.file().rows()).sum();
            }).rows();
        }
    }
}
