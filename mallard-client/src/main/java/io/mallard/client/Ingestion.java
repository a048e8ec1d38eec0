package io.mallard.client;

import com.google.protobuf.Any;
import io.mallard.common.ErrorCode;
import io.mallard.common.MallardException;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.apache.arrow.flight.CallOption;
import org.apache.arrow.flight.CallStatus;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.FlightDescriptor;
import org.apache.arrow.flight.PutResult;
import org.apache.arrow.flight.SyncPutListener;
import org.apache.arrow.flight.sql.impl.FlightSql.CommandStatementIngest;
import org.apache.arrow.flight.sql.impl.FlightSql.CommandStatementIngest.TableDefinitionOptions;
import org.apache.arrow.flight.sql.impl.FlightSql.CommandStatementIngest.TableDefinitionOptions.TableExistsOption;
import org.apache.arrow.flight.sql.impl.FlightSql.CommandStatementIngest.TableDefinitionOptions.TableNotExistOption;
import org.apache.arrow.flight.sql.impl.FlightSql.DoPutUpdateResult;
import org.apache.arrow.vector.ipc.ArrowReader;

/**
 * One bulk ingest: Flight SQL's {@code CommandStatementIngest} as a DoPut of the reader's batches, one at a time as the
 * coordinator takes them. When the reader fails, the call is cancelled, so the coordinator commits nothing, and the
 * reader's own error is what the caller gets; when the coordinator refuses early, reading stops.
 */
final class Ingestion {
    /** How long to wait between looks while the coordinator is not ready for the next batch (flow control). */
    private static final long READY_POLL_NANOS = TimeUnit.MICROSECONDS.toNanos(200);

    private Ingestion() {
    }

    static long run(FlightClient flight, CallOption auth, String table, ArrowReader rows, IngestOptions options) {
        FlightDescriptor descriptor = FlightDescriptor.command(Any.pack(command(table, options)).toByteArray());
        try (SyncPutListener answer = new SyncPutListener()) {
            // dictionaries (ENUM columns) go out once, at the start, so the first batch is loaded before it
            boolean more = load(rows);
            FlightClient.ClientStreamListener put = flight.startPut(descriptor, rows.getVectorSchemaRoot(), rows, answer,
                    auth);
            // gRPC then keeps the batch's buffers until they are sent instead of copying them (safe only when the next
            // batch does not overwrite them)
            put.setUseZeroCopy(options.freshBuffers());
            try {
                while (more && !answer.isCancelled()) {
                    awaitReady(put, answer);
                    put.putNext();
                    more = load(rows);
                }
            } catch (RuntimeException e) {
                put.error(CallStatus.CANCELLED.withDescription("the client could not read the rows it was sending")
                        .toRuntimeException());
                throw e;
            }
            put.completed();
            put.getResult();
            try (PutResult result = answer.read()) {
                return DoPutUpdateResult.parseFrom(result.getApplicationMetadata().nioBuffer()).getRecordCount();
            }
        } catch (IOException e) {
            throw new MallardException(ErrorCode.IO_ERROR, "reading the coordinator's answer: " + e.getMessage(), e);
        } catch (InterruptedException | java.util.concurrent.ExecutionException e) {
            throw new MallardException(ErrorCode.INTERNAL_ERROR, "waiting for the coordinator's answer: " + e.getMessage(), e);
        }
    }

    private static boolean load(ArrowReader rows) {
        try {
            return rows.loadNextBatch();
        } catch (IOException e) {
            throw new MallardException(ErrorCode.IO_ERROR, "reading the rows to ingest: " + e.getMessage(), e);
        }
    }

    /** Waits (without spinning a core) until the coordinator takes another batch or has answered. */
    private static void awaitReady(FlightClient.ClientStreamListener put, SyncPutListener answer) {
        while (!put.isReady() && !answer.isCancelled()) {
            LockSupport.parkNanos(READY_POLL_NANOS);
            if (Thread.currentThread().isInterrupted()) {
                throw new MallardException(ErrorCode.QUERY_CANCELLED, "the ingest was interrupted");
            }
        }
    }

    static CommandStatementIngest command(String table, IngestOptions options) {
        TableDefinitionOptions.Builder definition = TableDefinitionOptions.newBuilder();
        switch (options.mode()) {
            case APPEND -> definition.setIfNotExist(TableNotExistOption.TABLE_NOT_EXIST_OPTION_FAIL)
                    .setIfExists(TableExistsOption.TABLE_EXISTS_OPTION_APPEND);
            case CREATE -> definition.setIfNotExist(TableNotExistOption.TABLE_NOT_EXIST_OPTION_CREATE)
                    .setIfExists(TableExistsOption.TABLE_EXISTS_OPTION_FAIL);
            case CREATE_OR_APPEND -> definition.setIfNotExist(TableNotExistOption.TABLE_NOT_EXIST_OPTION_CREATE)
                    .setIfExists(TableExistsOption.TABLE_EXISTS_OPTION_APPEND);
            case REPLACE -> definition.setIfNotExist(TableNotExistOption.TABLE_NOT_EXIST_OPTION_CREATE)
                    .setIfExists(TableExistsOption.TABLE_EXISTS_OPTION_REPLACE);
        }
        CommandStatementIngest.Builder command = CommandStatementIngest.newBuilder().setTable(table)
                .setTableDefinitionOptions(definition);
        if (!options.partitionBy().isEmpty()) {
            command.putOptions("partition_by", String.join(",", options.partitionBy().stream()
                    .map(c -> "\"" + c.replace("\"", "\"\"") + "\"").toList()));
        }
        if (options.expectedRows() >= 0) {
            command.putOptions("expected_rows", Long.toString(options.expectedRows()));
        }
        return command.build();
    }
}
