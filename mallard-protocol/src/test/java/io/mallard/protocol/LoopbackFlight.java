package io.mallard.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.FlightProducer;
import org.apache.arrow.flight.FlightServer;
import org.apache.arrow.flight.Location;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;

/** A real Flight server on 127.0.0.1, port 0, and a client to it; closing checks that no Arrow memory leaked. */
final class LoopbackFlight implements AutoCloseable {
    final BufferAllocator allocator = new RootAllocator();
    final FlightServer server;
    final FlightClient client;

    LoopbackFlight(FlightProducer producer) throws IOException {
        server = FlightServer.builder(allocator, Location.forGrpcInsecure("127.0.0.1", 0), producer).build().start();
        client = FlightClient.builder(allocator, Location.forGrpcInsecure("127.0.0.1", server.getPort())).build();
    }

    @Override
    public void close() throws InterruptedException {
        client.close();
        server.close();
        assertThat(allocator.getAllocatedMemory()).as("bytes still allocated").isZero();
        allocator.close();
    }
}
