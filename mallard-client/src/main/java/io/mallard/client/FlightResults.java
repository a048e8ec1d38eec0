package io.mallard.client;

import io.mallard.common.ErrorCode;
import io.mallard.common.MallardException;
import io.mallard.common.rows.ArrowValues;
import io.mallard.common.rows.QueryRows;
import io.mallard.protocol.WireErrors;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.flight.CallOption;
import org.apache.arrow.flight.FlightEndpoint;
import org.apache.arrow.flight.FlightInfo;
import org.apache.arrow.flight.FlightRuntimeException;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.flight.sql.FlightSqlClient;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;

/** Reading results from the coordinator, the same way for both clients: failures as coded errors, rows as values. */
final class FlightResults {
    /** A call that reads from the coordinator. */
    @FunctionalInterface
    interface Call<T> {
        T run() throws Exception;
    }

    /** Reads one stream of a result. */
    @FunctionalInterface
    interface StreamReader {
        void read(FlightStream stream) throws Exception;
    }

    private FlightResults() {
    }

    /** Runs {@code call}; every failure comes out as a {@link MallardException} with the coordinator's code. */
    static <T> T read(Call<T> call) {
        try {
            return call.run();
        } catch (FlightRuntimeException e) {
            throw WireErrors.fromFlight(e);
        } catch (MallardException e) {
            throw e;
        } catch (Exception e) {
            throw new MallardException(ErrorCode.INTERNAL_ERROR, "reading the result failed: " + e.getMessage(), e);
        }
    }

    /** Hands the stream of each endpoint of a Flight SQL result to {@code reader}, closing each after it. */
    static void readEndpoints(FlightSqlClient sql, FlightInfo info, CallOption auth, StreamReader reader) throws Exception {
        for (FlightEndpoint endpoint : info.getEndpoints()) {
            try (FlightStream stream = sql.getStream(endpoint.getTicket(), auth)) {
                reader.read(stream);
            }
        }
    }

    /** Collects a result's streams into {@link QueryRows}: columns from the first stream's schema, rows decoded. */
    static final class Rows implements StreamReader {
        private final List<String> columns = new ArrayList<>();
        private final List<String> types = new ArrayList<>();
        private final List<List<Object>> rows = new ArrayList<>();
        private final List<String> warnings = new ArrayList<>();
        private boolean described;

        @Override
        public void read(FlightStream stream) {
            VectorSchemaRoot root = stream.getRoot();
            if (!described) {
                for (FieldVector vector : root.getFieldVectors()) {
                    columns.add(vector.getName());
                    types.add(ArrowValues.typeName(vector));
                }
                described = true;
            }
            while (stream.next()) {
                warning(stream).ifPresent(warnings::add);
                rows.addAll(ArrowValues.rows(root, stream.getDictionaryProvider()));
            }
        }

        QueryRows rows() {
            return new QueryRows(columns, types, rows, warnings);
        }
    }

    /** The warning a batch carries in its app metadata (a partial answer's missing edge partitions), if any. */
    static java.util.Optional<String> warning(FlightStream stream) {
        org.apache.arrow.memory.ArrowBuf metadata = stream.getLatestMetadata();
        if (metadata == null || metadata.readableBytes() == 0) {
            return java.util.Optional.empty();
        }
        byte[] bytes = new byte[(int) metadata.readableBytes()];
        metadata.getBytes(metadata.readerIndex(), bytes);
        return java.util.Optional.of(io.mallard.protocol.ResultWarning.decode(bytes).message());
    }
}
