package io.mallard.coordinator.server;

import io.mallard.common.ErrorCode;
import io.mallard.common.MallardException;
import io.mallard.common.security.Credentials;
import io.mallard.common.security.Secrets;
import io.mallard.common.security.UserRecord;
import io.mallard.coordinator.cluster.WorkerRegistry;
import io.mallard.protocol.WireErrors;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.apache.arrow.flight.CallHeaders;
import org.apache.arrow.flight.auth2.Auth2Constants;
import org.apache.arrow.flight.auth2.AuthUtilities;
import org.apache.arrow.flight.auth2.CallHeaderAuthenticator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Authenticates every Flight call. Basic credentials (user and password, Argon2id-verified) are exchanged for an
 * expiring bearer token returned in the response headers; bearer tokens identify users or worker sessions; calls
 * without credentials pass as anonymous and may only register a worker, whose join token is checked there.
 */
final class MallardAuthenticator implements CallHeaderAuthenticator {
    private static final Logger LOG = LoggerFactory.getLogger(MallardAuthenticator.class);

    private record Session(Identity identity, long expiresAtMillis) {
    }

    private final Credentials credentials;
    private final WorkerRegistry registry;
    private final long tokenTtlMillis;
    /** Keyed by SHA-256 of the token, so a lookup's timing says nothing about a token's bytes. */
    private final Map<String, Session> sessions = new ConcurrentHashMap<>();
    private final LongAdder failedLogins = new LongAdder();

    MallardAuthenticator(Credentials credentials, WorkerRegistry registry, long tokenTtlMillis) {
        this.credentials = credentials;
        this.registry = registry;
        this.tokenTtlMillis = tokenTtlMillis;
    }

    @Override
    public AuthResult authenticate(CallHeaders headers) {
        String basic = AuthUtilities.getValueFromAuthHeader(headers, Auth2Constants.BASIC_PREFIX);
        if (basic != null) {
            return login(basic);
        }
        String bearer = AuthUtilities.getValueFromAuthHeader(headers, Auth2Constants.BEARER_PREFIX);
        if (bearer != null) {
            Session session = sessions.get(hash(bearer));
            if (session != null && session.expiresAtMillis() > System.currentTimeMillis()) {
                return result(session.identity(), null);
            }
            Optional<String> worker = registry.workerForToken(bearer);
            if (worker.isPresent()) {
                return result(Identity.worker(worker.get()), null);
            }
            failedLogins.increment();
            LOG.warn("refused a call: unknown or expired bearer token");
            throw refused("unknown or expired token");
        }
        return result(Identity.ANONYMOUS, null);
    }

    private AuthResult login(String encoded) {
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            failedLogins.increment();
            LOG.warn("refused a login: malformed credentials");
            throw refused("malformed credentials");
        }
        int colon = decoded.indexOf(':');
        String user = colon < 0 ? decoded : decoded.substring(0, colon);
        if (colon < 0 || colon == decoded.length() - 1) {
            failedLogins.increment();
            LOG.warn("refused a login as {}: no password given", printable(user));
            throw refused("no password given for user " + printable(user));
        }
        char[] password = decoded.substring(colon + 1).toCharArray();
        Optional<UserRecord> record = credentials.authenticate(user, password);
        if (record.isEmpty()) {
            failedLogins.increment();
            // the user name, never the password (the peer's address is not known here: Flight authenticates before
            // the call reaches the interceptor that records it)
            LOG.warn("refused a login as {}: wrong user name or password", printable(user));
            throw refused("wrong user name or password");
        }
        String token = Secrets.randomToken(32);
        // the session id is derived from the token, never the token itself: it shows up in logs and system tables
        Identity identity = Identity.user(record.get().name(), record.get().role(), hash(token).substring(0, 16));
        long now = System.currentTimeMillis();
        sessions.values().removeIf(s -> s.expiresAtMillis() <= now);
        sessions.put(hash(token), new Session(identity, now + tokenTtlMillis));
        return result(identity, token);
    }

    /** Logins and bearer tokens refused since start. */
    long failedLogins() {
        return failedLogins.sum();
    }

    /** A user name as it may appear in a log line: quoted, control characters replaced, at most 64 characters. */
    private static String printable(String user) {
        String cut = user.length() > 64 ? user.substring(0, 64) + "…" : user;
        return "'" + cut.replaceAll("\\p{Cntrl}", "?") + "'";
    }

    /** A refusal that carries Mallard's error code to the client, like every other error. */
    private static RuntimeException refused(String why) {
        return WireErrors.toFlight(new MallardException(ErrorCode.AUTHENTICATION_FAILED, why));
    }

    private static AuthResult result(Identity identity, String newToken) {
        return new AuthResult() {
            @Override
            public String getPeerIdentity() {
                return identity.encode();
            }

            @Override
            public void appendToOutgoingHeaders(CallHeaders outgoing) {
                if (newToken != null) {
                    outgoing.insert(Auth2Constants.AUTHORIZATION_HEADER, Auth2Constants.BEARER_PREFIX + newToken);
                }
            }
        };
    }

    private static String hash(String token) {
        return Secrets.sha256Hex(token.getBytes(StandardCharsets.UTF_8));
    }
}
