package io.mallard.coordinator.server;

import io.mallard.common.ErrorCode;
import io.mallard.common.MallardException;
import java.util.Optional;

/**
 * Who is calling, as carried in Flight's peer identity: {@code user:<name>:<role>:<session>}, {@code worker:<id>}, or
 * empty for an unauthenticated caller (allowed only to register a worker with its join token). A user's session is
 * one bearer token: the settings of a client session live on the coordinator under it.
 */
public record Identity(String kind, String name, String role, String session) {
    static final Identity ANONYMOUS = new Identity("", "", "", "");

    static Identity user(String name, String role, String session) {
        return new Identity("user", name, role, session);
    }

    static Identity worker(String id) {
        return new Identity("worker", id, "", "");
    }

    String encode() {
        return kind.isEmpty() ? "" : kind + ":" + name + (role.isEmpty() ? "" : ":" + role + ":" + session);
    }

    /** Reads the peer identity that {@link MallardAuthenticator} gave a call. */
    public static Identity decode(String peer) {
        if (peer == null || peer.isEmpty()) {
            return ANONYMOUS;
        }
        String[] parts = peer.split(":", 4);
        return new Identity(parts[0], parts.length > 1 ? parts[1] : "", parts.length > 2 ? parts[2] : "",
                parts.length > 3 ? parts[3] : "");
    }

    /** The calling worker's id, which must match the id the message claims. */
    String requireWorker(Optional<String> claimed) {
        if (!"worker".equals(kind) || claimed.isPresent() && !claimed.get().equals(name)) {
            throw new MallardException(ErrorCode.AUTHENTICATION_FAILED, "this call needs a worker session");
        }
        return name;
    }

    /** Fails unless the caller logged in as a user; returns this identity. */
    public Identity requireUser() {
        if (!"user".equals(kind)) {
            throw new MallardException(ErrorCode.AUTHENTICATION_FAILED, "log in with a user name and password first");
        }
        return this;
    }

    public boolean isAdmin() {
        return "user".equals(kind) && "admin".equals(role);
    }
}
