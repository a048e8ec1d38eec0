package io.mallard.coordinator.server;

import io.mallard.common.ErrorCode;
import io.mallard.common.MallardException;
import com.nimbusds.jwt.SignedJWT;
import io.mallard.common.security.Secrets;
import io.mallard.coordinator.audit.AuditLog;
import io.mallard.coordinator.security.ExternalIssuer;
import io.mallard.coordinator.security.LoginThrottle;
import io.mallard.coordinator.security.MallardUser;
import io.mallard.coordinator.security.TokenService;
import io.mallard.coordinator.security.UserStore;
import io.mallard.coordinator.cluster.WorkerRegistry;
import io.mallard.protocol.WireErrors;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;
import java.util.concurrent.atomic.LongAdder;
import org.apache.arrow.flight.CallHeaders;
import org.apache.arrow.flight.auth2.Auth2Constants;
import org.apache.arrow.flight.auth2.AuthUtilities;
import org.apache.arrow.flight.auth2.CallHeaderAuthenticator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Authenticates every Flight call. Basic credentials (user and password, Argon2id-verified against the user store) are
 * exchanged for a signed, expiring bearer token ({@link TokenService}) returned in the response headers; a bearer token
 * is either such a token (checked on every call: signature, expiry, cluster, user still there with the same password),
 * a JWT of the configured external issuer, or a worker's session token; calls without credentials pass as anonymous
 * and may only register a worker, whose join token is checked there. The identity carries the user's role as it is at
 * this call, so a GRANT or REVOKE counts at once.
 */
final class MallardAuthenticator implements CallHeaderAuthenticator {
    private static final Logger LOG = LoggerFactory.getLogger(MallardAuthenticator.class);

    private final UserStore users;
    private final TokenService tokens;
    private final Optional<ExternalIssuer> external;
    private final WorkerRegistry registry;
    private final LongAdder failedLogins = new LongAdder();
    private final AuditLog audit;
    private final LoginThrottle throttle;

    MallardAuthenticator(UserStore users, TokenService tokens, Optional<ExternalIssuer> external,
            WorkerRegistry registry, AuditLog audit, LoginThrottle throttle) {
        this.audit = audit;
        this.throttle = throttle;
        this.users = users;
        this.tokens = tokens;
        this.external = external;
        this.registry = registry;
    }

    @Override
    public AuthResult authenticate(CallHeaders headers) {
        String basic = AuthUtilities.getValueFromAuthHeader(headers, Auth2Constants.BASIC_PREFIX);
        if (basic != null) {
            return login(basic);
        }
        String bearer = AuthUtilities.getValueFromAuthHeader(headers, Auth2Constants.BEARER_PREFIX);
        if (bearer != null) {
            SignedJWT jwt = parse(bearer);
            if (jwt == null && looksLikeJwt(bearer)) {
                throw tokenRefused(null, "the token is not a well-formed signed JWT");
            }
            if (jwt == null) {
                Optional<String> worker = registry.workerForToken(bearer);
                if (worker.isPresent()) {
                    return result(Identity.worker(worker.get()), null);
                }
                throw tokenRefused(null, "unknown token");
            }
            try {
                MallardUser user = TokenService.isOwn(jwt) || external.isEmpty() ? tokens.verify(jwt, users)
                        : external.get().verify(jwt, users);
                return result(Identity.user(user.name(), user.role().sqlName(), session(bearer)), null);
            } catch (MallardException e) {
                failedLogins.increment();
                LOG.warn("refused a call: {}", e.getMessage()); // the reason, never the token
                audit.append("token", claimedSubject(jwt), PeerAddress.current(), null, "refused", e.code().wireName(),
                        e.getMessage());
                throw WireErrors.toFlight(e);
            }
        }
        return result(Identity.ANONYMOUS, null);
    }

    /** A refused bearer token, audited without the token itself. */
    private RuntimeException tokenRefused(String user, String why) {
        failedLogins.increment();
        LOG.warn("refused a call: {}", why);
        audit.append("token", user, PeerAddress.current(), null, "refused", ErrorCode.AUTHENTICATION_FAILED.wireName(),
                why);
        return refused(why);
    }

    /** The subject a refused token claims (unverified: the audit shows who it pretended to be), or null. */
    private static String claimedSubject(SignedJWT jwt) {
        try {
            return jwt.getJWTClaimsSet().getSubject();
        } catch (java.text.ParseException e) {
            return null;
        }
    }

    /** Worker session tokens are base64url without dots; a JWT has three dot-separated parts. */
    private static boolean looksLikeJwt(String bearer) {
        return bearer.chars().filter(c -> c == '.').count() == 2;
    }

    private static SignedJWT parse(String bearer) {
        if (!looksLikeJwt(bearer)) {
            return null;
        }
        try {
            return SignedJWT.parse(bearer);
        } catch (java.text.ParseException e) {
            return null;
        }
    }

    private AuthResult login(String encoded) {
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            failedLogins.increment();
            LOG.warn("refused a login: malformed credentials");
            audit.append("login", null, PeerAddress.current(), null, "refused", ErrorCode.AUTHENTICATION_FAILED.wireName(),
                    "malformed credentials");
            throw refused("malformed credentials");
        }
        int colon = decoded.indexOf(':');
        String user = colon < 0 ? decoded : decoded.substring(0, colon);
        char[] password = colon < 0 ? new char[0] : decoded.substring(colon + 1).toCharArray();
        try {
            Login login = login(user, password, PeerAddress.current());
            return result(login.identity(), login.token());
        } catch (MallardException e) {
            throw WireErrors.toFlight(e);
        } finally {
            java.util.Arrays.fill(password, '\0');
        }
    }

    /** A user logged in: who, and the signed token that stands for the login. */
    record Login(Identity identity, String token) {
    }

    /**
     * Checks a user's password (throttled, audited, counted like every login) and issues a token; refused with
     * AUTHENTICATION_FAILED (or the throttle's code). Used by Flight logins and by the web page's.
     */
    Login login(String user, char[] password, String address) {
        try {
            throttle.check(user, address); // before the costly password check
        } catch (MallardException e) {
            audit.append("login", user, address, null, "refused", e.code().wireName(), e.getMessage());
            LOG.warn("refused a login as {} from {}: {}", printable(user), address, e.getMessage());
            throw e;
        }
        if (password.length == 0) {
            failedLogins.increment();
            throttle.failed(user, address);
            audit.append("login", user, address, null, "refused", ErrorCode.AUTHENTICATION_FAILED.wireName(),
                    "no password given");
            LOG.warn("refused a login as {}: no password given", printable(user));
            throw new MallardException(ErrorCode.AUTHENTICATION_FAILED, "no password given for user " + printable(user));
        }
        Optional<MallardUser> record = users.authenticate(user, password);
        if (record.isEmpty()) {
            failedLogins.increment();
            throttle.failed(user, address);
            audit.append("login", user, address, null, "refused", ErrorCode.AUTHENTICATION_FAILED.wireName(),
                    "wrong user name or password");
            // the user name, never the password
            LOG.warn("refused a login as {} from {}: wrong user name or password", printable(user), address);
            throw new MallardException(ErrorCode.AUTHENTICATION_FAILED, "wrong user name or password");
        }
        throttle.succeeded(user);
        audit.append("login", record.get().name(), address, null, "ok", null, null);
        String token = tokens.issue(record.get());
        return new Login(Identity.user(record.get().name(), record.get().role().sqlName(), session(token)), token);
    }

    /**
     * The user a token of this coordinator (or of the external issuer) stands for, checked as on every Flight call;
     * refused with AUTHENTICATION_FAILED, audited without the token. Used by the web page's session cookie.
     */
    Identity user(String bearer, String address) {
        SignedJWT jwt = parse(bearer);
        if (jwt == null) {
            failedLogins.increment();
            audit.append("token", null, address, null, "refused", ErrorCode.AUTHENTICATION_FAILED.wireName(),
                    "the token is not a well-formed signed JWT");
            throw new MallardException(ErrorCode.AUTHENTICATION_FAILED, "the session token is not valid: log in again");
        }
        try {
            MallardUser user = TokenService.isOwn(jwt) || external.isEmpty() ? tokens.verify(jwt, users)
                    : external.get().verify(jwt, users);
            return Identity.user(user.name(), user.role().sqlName(), session(bearer));
        } catch (MallardException e) {
            failedLogins.increment();
            LOG.warn("refused a web request: {}", e.getMessage()); // the reason, never the token
            audit.append("token", claimedSubject(jwt), address, null, "refused", e.code().wireName(), e.getMessage());
            throw e;
        }
    }

    /** The session id is derived from the token, never the token itself: it shows up in logs and system tables. */
    private static String session(String token) {
        return Secrets.sha256Hex(token.getBytes(StandardCharsets.UTF_8)).substring(0, 16);
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
}
