package io.mallard.coordinator.flightsql;

import io.mallard.common.ErrorCode;
import io.mallard.common.MallardException;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.LongConsumer;
import org.apache.arrow.flight.FlightRuntimeException;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.dictionary.Dictionary;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * A client's upload (the stream of a DoPut) as an {@link ArrowReader}, for the writer to stage. The stream belongs to
 * Flight, which closes it when the call ends, so closing this reader leaves it open. When the upload breaks (the
 * client went away or cancelled), the reader keeps the cause: DuckDB, which reads it, reports only that its Arrow scan
 * failed.
 */
final class FlightStreamReader extends ArrowReader {
    private final FlightStream stream;
    private final LongConsumer rowsArrived;
    private volatile MallardException failure;

    /** @param rowsArrived told the rows of each batch as it arrives */
    FlightStreamReader(FlightStream stream, LongConsumer rowsArrived) {
        super(null);
        this.stream = stream;
        this.rowsArrived = rowsArrived;
    }

    /** Why the upload broke, if it did. */
    Optional<MallardException> failure() {
        return Optional.ofNullable(failure);
    }

    @Override
    public VectorSchemaRoot getVectorSchemaRoot() throws IOException {
        try {
            return stream.getRoot();
        } catch (FlightRuntimeException e) {
            throw broken(e);
        }
    }

    @Override
    public boolean loadNextBatch() throws IOException {
        try {
            if (!stream.next()) {
                return false;
            }
        } catch (FlightRuntimeException e) {
            throw broken(e);
        }
        rowsArrived.accept(stream.getRoot().getRowCount());
        return true;
    }

    private MallardException broken(FlightRuntimeException e) {
        failure = new MallardException(ErrorCode.QUERY_CANCELLED, "the client's upload broke off ("
                + e.status().code() + (e.status().description() == null ? "" : ": " + e.status().description())
                + "); nothing was changed", e);
        return failure;
    }

    @Override
    public Map<Long, Dictionary> getDictionaryVectors() {
        Map<Long, Dictionary> dictionaries = new HashMap<>();
        for (long id : stream.getDictionaryProvider().getDictionaryIds()) {
            dictionaries.put(id, stream.getDictionaryProvider().lookup(id));
        }
        return dictionaries;
    }

    @Override
    public Set<Long> getDictionaryIds() {
        return stream.getDictionaryProvider().getDictionaryIds();
    }

    @Override
    public Dictionary lookup(long id) {
        return stream.getDictionaryProvider().lookup(id);
    }

    @Override
    public long bytesRead() {
        return 0;
    }

    @Override
    public void close(boolean closeReadSource) {
        // Flight closes the stream when the call ends
    }

    @Override
    protected void closeReadSource() {
    }

    @Override
    protected Schema readSchema() {
        return stream.getSchema();
    }
}
