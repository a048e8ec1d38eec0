package io.mallard.coordinator.server;

import io.mallard.common.ErrorCode;
import io.mallard.common.MallardException;
import com.nimbusds.jwt.SignedJWT;
import io.mallard.common.security.Secrets;
import io.mallard.coordinator.security.ExternalIssuer;
import io.mallard.coordinator.security.MallardUser;
import io.mallard.coordinator.security.TokenService;
import io.mallard.coordinator.security.UserStore;
import io.mallard.coordinator.cluster.WorkerRegistry;
import io.mallard.protocol.WireErrors;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;
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

    MallardAuthenticator(UserStore users, TokenService tokens, Optional<ExternalIssuer> external,
            WorkerRegistry registry) {
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
                throw refused("the token is not a well-formed signed JWT");
            }
            if (jwt == null) {
                Optional<String> worker = registry.workerForToken(bearer);
                if (worker.isPresent()) {
                    return result(Identity.worker(worker.get()), null);
                }
                throw refused("unknown token");
            }
            try {
                MallardUser user = TokenService.isOwn(jwt) || external.isEmpty() ? tokens.verify(jwt, users)
                        : external.get().verify(jwt, users);
                return result(Identity.user(user.name(), user.role().sqlName(), session(bearer)), null);
            } catch (MallardException e) {
                LOG.info("token refused: {}", e.getMessage()); // the reason, never the token
                throw WireErrors.toFlight(e);
            }
        }
        return result(Identity.ANONYMOUS, null);
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
            throw refused("malformed credentials");
        }
        int colon = decoded.indexOf(':');
        String user = colon < 0 ? decoded : decoded.substring(0, colon);
        char[] password = colon < 0 ? new char[0] : decoded.substring(colon + 1).toCharArray();
        Optional<MallardUser> record = users.authenticate(user, password);
        java.util.Arrays.fill(password, '\0');
        if (record.isEmpty()) {
            throw refused("wrong user name or password");
        }
        String token = tokens.issue(record.get());
        Identity identity = Identity.user(record.get().name(), record.get().role().sqlName(), session(token));
        return result(identity, token);
    }

    /** The session id is derived from the token, never the token itself: it shows up in logs and system tables. */
    private static String session(String token) {
        return Secrets.sha256Hex(token.getBytes(StandardCharsets.UTF_8)).substring(0, 16);
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
