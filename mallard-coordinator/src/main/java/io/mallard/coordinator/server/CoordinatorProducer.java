package io.mallard.coordinator.server;

import io.grpc.Context;
import io.mallard.common.ErrorCode;
import io.mallard.common.MallardException;
import io.mallard.coordinator.cluster.WorkerRegistry;
import io.mallard.coordinator.query.QueryManager;
import io.mallard.coordinator.flightsql.ClientSession;
import io.mallard.coordinator.flightsql.StatementExecutor;
import io.mallard.planner.plan.DistributedPlan;
import io.mallard.protocol.Codec;
import io.mallard.protocol.Message;
import io.mallard.protocol.Messages;
import io.mallard.protocol.QuerySettings;
import io.mallard.protocol.WireErrors;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.flight.NoOpFlightProducer;
import org.apache.arrow.flight.PutResult;
import org.apache.arrow.flight.Result;
import org.apache.arrow.flight.Ticket;

/**
 * The coordinator's Flight endpoint. Actions carry typed {@link Message}s (worker registration, polls, proofs; client
 * EXPLAIN and status), DoPut carries a worker's task result under a {@link Messages.TaskResult} command, and DoGet
 * runs a client's {@link Messages.QueryRequest} ticket and streams the answer.
 */
final class CoordinatorProducer extends NoOpFlightProducer {
    private final WorkerRegistry registry;
    private final QueryManager queries;
    private final StatementExecutor statements;

    private CertificatePolicy certificates = CertificatePolicy.NONE;

    /** Registrations must then come under the name of the worker's certificate. */
    /** The edge tables, which hear the workers' re-announcements ({@link Messages.LocalTableChanged}). */
    CoordinatorProducer useEdgeTables(io.mallard.coordinator.edge.EdgeTables edgeTables) {
        this.edge = edgeTables;
        return this;
    }

    CoordinatorProducer requireCertificates(CertificatePolicy policy) {
        this.certificates = policy;
        return this;
    }

    private io.mallard.coordinator.edge.EdgeTables edge;

    CoordinatorProducer(WorkerRegistry registry, QueryManager queries, StatementExecutor statements) {
        this.registry = registry;
        this.queries = queries;
        this.statements = statements;
    }

    @Override
    public void doAction(CallContext context, org.apache.arrow.flight.Action action, StreamListener<Result> listener) {
        try {
            Identity caller = Identity.decode(context.peerIdentity());
            Message message = Codec.decode(action.getBody());
            if (message instanceof Messages.Poll poll) {
                String workerId = caller.requireWorker(Optional.of(poll.workerId()));
                // a poll that breaks off while it waits is a worker that died or was cut off: noticed at once
                Context call = Context.current();
                Context.CancellationListener broken = cancelled -> {
                    if (cancelled.cancellationCause() != null) {
                        registry.connectionLost(workerId);
                    }
                };
                call.addListener(broken, Runnable::run);
                // answered later, by whichever thread has work for the worker: no thread waits for it
                registry.poll(workerId, poll.held(), reply -> {
                    call.removeListener(broken);
                    listener.onNext(new Result(Codec.encode(reply)));
                    listener.onCompleted();
                });
                return;
            }
            Message reply = handle(caller, message, PeerAddress.current());
            listener.onNext(new Result(Codec.encode(reply)));
            listener.onCompleted();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            listener.onError(WireErrors.toFlight(new MallardException(ErrorCode.QUERY_CANCELLED, "interrupted")));
        } catch (Exception e) {
            listener.onError(WireErrors.toFlight(translate(e)));
        }
    }

    private Message handle(Identity caller, Message message, String peerAddress) throws InterruptedException, IOException {
        if (message instanceof Messages.RegisterWorker register) {
            boolean certified = certificates.checkRegistration(register.name(), PeerCertificate.current());
            return registry.register(register, peerAddress, certified);
        }
        if (message instanceof Messages.FileReady ready) {
            return registry.fileReady(caller.requireWorker(Optional.of(ready.workerId())), ready.fileId());
        }
        if (message instanceof Messages.FileProof proof) {
            caller.requireWorker(Optional.of(proof.workerId()));
            return registry.prove(proof);
        }
        if (message instanceof Messages.FileRejected rejected) {
            caller.requireWorker(Optional.of(rejected.workerId()));
            registry.fileRejected(rejected);
            return new Messages.Ack(true, "noted");
        }
        if (message instanceof Messages.TaskFailed failed) {
            queries.taskFailed(caller.requireWorker(Optional.of(failed.workerId())), failed);
            return new Messages.Ack(true, "noted");
        }
        if (message instanceof Messages.LocalTableChanged changed) {
            String workerId = caller.requireWorker(Optional.of(changed.workerId()));
            if (edge == null) {
                throw new MallardException(ErrorCode.EDGE_TABLE_REFUSED, "this coordinator takes no edge tables");
            }
            edge.changed(workerId, registry.nameOf(workerId), changed.table());
            return new Messages.Ack(true, "noted");
        }
        if (message instanceof Messages.Leaving leaving) {
            registry.leaving(caller.requireWorker(Optional.of(leaving.workerId())));
            return new Messages.Ack(true, "draining");
        }
        if (message instanceof Messages.ExplainRequest explain) {
            caller.requireUser();
            statements.access().requireReadable(caller.name(), explain.sql());
            DistributedPlan plan = queries.plan(explain.sql());
            List<String> shards = queries.shardsOf(plan);
            return new Messages.PlanDescription(plan.strategy().name(), plan.workerSql(), plan.combineSql(), shards,
                    queries.describe(plan));
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
            Identity caller = Identity.decode(context.peerIdentity()).requireUser();
            Messages.QueryRequest request = Codec.decode(ticket.getBytes(), Messages.QueryRequest.class);
            // this protocol sends the session's settings with every query
            ClientSession session = ClientSession.ephemeral(QuerySettings.of(request.settings()));
            statements.stream(caller, session, UUID.randomUUID().toString(), request.sql(), listener);
        } catch (Exception e) {
            listener.error(WireErrors.toFlight(translate(e)));
        }
    }

    /** Finds the Mallard error inside whatever was thrown (DuckDB wraps ours in IOExceptions and SQLExceptions). */
    static MallardException translate(Throwable e) {
        return ServerErrors.translate(e);
    }
}
