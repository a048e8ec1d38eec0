package io.mallard.coordinator.server;

import io.mallard.common.ErrorCode;
import io.mallard.common.MallardException;
import io.mallard.coordinator.cluster.WorkerRegistry;
import io.mallard.coordinator.query.QueryManager;
import io.mallard.coordinator.query.QueryResult;
import io.mallard.planner.plan.DistributedPlan;
import io.mallard.planner.plan.PlanPrinter;
import io.mallard.protocol.Codec;
import io.mallard.protocol.Message;
import io.mallard.protocol.Messages;
import io.mallard.protocol.QuerySettings;
import io.mallard.protocol.WireErrors;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.flight.NoOpFlightProducer;
import org.apache.arrow.flight.PutResult;
import org.apache.arrow.flight.Result;
import org.apache.arrow.flight.Ticket;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The coordinator's Flight endpoint. Actions carry typed {@link Message}s (worker registration, polls, proofs; client
 * EXPLAIN and status), DoPut carries a worker's task result under a {@link Messages.TaskResult} command, and DoGet
 * runs a client's {@link Messages.QueryRequest} ticket and streams the answer.
 */
final class CoordinatorProducer extends NoOpFlightProducer {
    private static final Logger LOG = LoggerFactory.getLogger(CoordinatorProducer.class);

    private final WorkerRegistry registry;
    private final QueryManager queries;

    CoordinatorProducer(WorkerRegistry registry, QueryManager queries) {
        this.registry = registry;
        this.queries = queries;
    }

    @Override
    public void doAction(CallContext context, org.apache.arrow.flight.Action action, StreamListener<Result> listener) {
        try {
            Message reply = handle(Identity.decode(context.peerIdentity()), Codec.decode(action.getBody()));
            listener.onNext(new Result(Codec.encode(reply)));
            listener.onCompleted();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            listener.onError(WireErrors.toFlight(new MallardException(ErrorCode.QUERY_CANCELLED, "interrupted")));
        } catch (Exception e) {
            listener.onError(WireErrors.toFlight(translate(e)));
        }
    }

    private Message handle(Identity caller, Message message) throws InterruptedException, IOException {
        if (message instanceof Messages.RegisterWorker register) {
            return registry.register(register);
        }
        if (message instanceof Messages.Poll poll) {
            return registry.poll(caller.requireWorker(Optional.of(poll.workerId())));
        }
        if (message instanceof Messages.ShardReady ready) {
            return registry.shardReady(caller.requireWorker(Optional.of(ready.workerId())), ready.shardId());
        }
        if (message instanceof Messages.ShardProof proof) {
            caller.requireWorker(Optional.of(proof.workerId()));
            return registry.prove(proof);
        }
        if (message instanceof Messages.ShardRejected rejected) {
            caller.requireWorker(Optional.of(rejected.workerId()));
            registry.shardRejected(rejected);
            return new Messages.Ack(true, "noted");
        }
        if (message instanceof Messages.TaskFailed failed) {
            queries.taskFailed(caller.requireWorker(Optional.of(failed.workerId())), failed);
            return new Messages.Ack(true, "noted");
        }
        if (message instanceof Messages.Leaving leaving) {
            registry.leaving(caller.requireWorker(Optional.of(leaving.workerId())));
            return new Messages.Ack(true, "draining");
        }
        if (message instanceof Messages.ExplainRequest explain) {
            caller.requireUser();
            DistributedPlan plan = queries.plan(explain.sql());
            List<String> shards = queries.shardsOf(plan);
            return new Messages.PlanDescription(plan.strategy().name(), plan.workerSql(), plan.combineSql(), shards,
                    PlanPrinter.print(plan, shards));
        }
        if (message instanceof Messages.ClusterStatusRequest) {
            caller.requireUser();
            return registry.status();
        }
        throw new MallardException(ErrorCode.PROTOCOL_ERROR, "unexpected action " + message.actionType());
    }

    @Override
    public Runnable acceptPut(CallContext context, FlightStream stream, StreamListener<PutResult> ack) {
        return () -> {
            try {
                Messages.TaskResult header = Codec.decode(stream.getDescriptor().getCommand(), Messages.TaskResult.class);
                String workerId = Identity.decode(context.peerIdentity()).requireWorker(Optional.of(header.workerId()));
                queries.acceptResult(workerId, header, stream);
                ack.onCompleted();
            } catch (Exception e) {
                ack.onError(WireErrors.toFlight(translate(e)));
            }
        };
    }

    @Override
    public void getStream(CallContext context, Ticket ticket, ServerStreamListener listener) {
        try {
            Identity.decode(context.peerIdentity()).requireUser();
            Messages.QueryRequest request = Codec.decode(ticket.getBytes(), Messages.QueryRequest.class);
            try (QueryResult result = queries.execute(request.sql(), QuerySettings.of(request.settings()))) {
                listener.setOnCancelHandler(result::close);
                try {
                    ArrowReader reader = result.reader();
                    // Dictionaries (ENUM columns) go out once, at the start, so the first batch is loaded before it.
                    boolean more = reader.loadNextBatch();
                    listener.start(reader.getVectorSchemaRoot(), reader);
                    while (more) {
                        if (listener.isCancelled()) {
                            throw new MallardException(ErrorCode.QUERY_CANCELLED, "the client cancelled query " + result.queryId());
                        }
                        listener.putNext();
                        more = reader.loadNextBatch();
                    }
                    listener.completed();
                } catch (Exception e) {
                    // DuckDB reports a failed worker stream as its own error; the query knows the real cause
                    throw result.failure().map(Exception.class::cast).orElse(e);
                }
            }
        } catch (Exception e) {
            MallardException error = translate(e);
            if (error.code().type() == io.mallard.common.ErrorType.INTERNAL) {
                LOG.error("query failed", e);
            }
            listener.error(WireErrors.toFlight(error));
        }
    }

    /** Finds the Mallard error inside whatever was thrown (DuckDB wraps ours in IOExceptions and SQLExceptions). */
    static MallardException translate(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof MallardException m) {
                return m;
            }
            if (t instanceof java.sql.SQLException sql) {
                return io.mallard.common.duck.DuckErrors.translate(sql);
            }
        }
        return new MallardException(ErrorCode.INTERNAL_ERROR, e.getMessage() == null ? e.toString() : e.getMessage(), e);
    }
}
