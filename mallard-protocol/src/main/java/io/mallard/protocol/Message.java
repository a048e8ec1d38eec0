package io.mallard.protocol;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/**
 * Every message Mallard puts on the wire: Flight action bodies, descriptor commands and tickets. The JSON carries a
 * {@code "type"} discriminator, so a receiver dispatches on the decoded type, never on strings.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
    @JsonSubTypes.Type(value = Messages.RegisterWorker.class, name = "RegisterWorker"),
    @JsonSubTypes.Type(value = Messages.WorkerRegistered.class, name = "WorkerRegistered"),
    @JsonSubTypes.Type(value = Messages.Poll.class, name = "Poll"),
    @JsonSubTypes.Type(value = Messages.PollReply.class, name = "PollReply"),
    @JsonSubTypes.Type(value = Messages.FileReady.class, name = "FileReady"),
    @JsonSubTypes.Type(value = Messages.Challenge.class, name = "Challenge"),
    @JsonSubTypes.Type(value = Messages.FileProof.class, name = "FileProof"),
    @JsonSubTypes.Type(value = Messages.FileRejected.class, name = "FileRejected"),
    @JsonSubTypes.Type(value = Messages.Ack.class, name = "Ack"),
    @JsonSubTypes.Type(value = Messages.TaskFailed.class, name = "TaskFailed"),
    @JsonSubTypes.Type(value = Messages.TaskResult.class, name = "TaskResult"),
    @JsonSubTypes.Type(value = Messages.Leaving.class, name = "Leaving"),
    @JsonSubTypes.Type(value = Messages.LocalTableChanged.class, name = "LocalTableChanged"),
    @JsonSubTypes.Type(value = Messages.QueryRequest.class, name = "QueryRequest"),
    @JsonSubTypes.Type(value = Messages.ExplainRequest.class, name = "ExplainRequest"),
    @JsonSubTypes.Type(value = Messages.PlanDescription.class, name = "PlanDescription"),
    @JsonSubTypes.Type(value = Messages.ClusterStatusRequest.class, name = "ClusterStatusRequest"),
    @JsonSubTypes.Type(value = Messages.ClusterStatus.class, name = "ClusterStatus"),
})
public sealed interface Message permits Messages.RegisterWorker, Messages.WorkerRegistered, Messages.Poll,
        Messages.PollReply, Messages.FileReady, Messages.Challenge, Messages.FileProof, Messages.FileRejected,
        Messages.Ack, Messages.TaskFailed, Messages.TaskResult, Messages.Leaving, Messages.QueryRequest,
        Messages.ExplainRequest, Messages.PlanDescription, Messages.ClusterStatusRequest, Messages.ClusterStatus,
        Messages.LocalTableChanged {

    /** The Flight action type under which this message travels: its simple class name. */
    default String actionType() {
        return getClass().getSimpleName();
    }
}
