package io.mallard.coordinator.security;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import io.mallard.coordinator.CoordinatorConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.text.ParseException;
import java.util.Set;

/**
 * JWTs of an identity provider the operator configured ({@code --jwt-issuer}, {@code --jwt-audience},
 * {@code --jwt-jwks FILE}, {@code --jwt-user-claim}): signed with an asymmetric key of the issuer's JWKS (RSA or EC; an
 * HMAC-signed token is never taken, so a public key cannot be used as a secret), not expired, with exactly the
 * configured issuer and with the configured audience. The claim (default {@code sub}) names a Mallard user, whose
 * role and grants apply; a token naming no Mallard user is refused.
 */
public final class ExternalIssuer {
    private static final Set<JWSAlgorithm> ALGORITHMS = Set.of(JWSAlgorithm.RS256, JWSAlgorithm.RS384,
            JWSAlgorithm.RS512, JWSAlgorithm.PS256, JWSAlgorithm.PS384, JWSAlgorithm.PS512, JWSAlgorithm.ES256,
            JWSAlgorithm.ES384, JWSAlgorithm.ES512, JWSAlgorithm.EdDSA);

    private final CoordinatorConfig.ExternalJwt config;
    private final DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();

    private ExternalIssuer(CoordinatorConfig.ExternalJwt config, JWKSet keys) {
        this.config = config;
        processor.setJWSKeySelector(new JWSVerificationKeySelector<>(ALGORITHMS, new ImmutableJWKSet<>(keys)));
        // expiry (and not-before) here; issuer and audience below, with messages that say which one failed
        processor.setJWTClaimsSetVerifier(new DefaultJWTClaimsVerifier<>(null, null, Set.of("exp")));
    }

    /** Reads the issuer's public keys from the JWKS file. */
    public static ExternalIssuer open(CoordinatorConfig.ExternalJwt config) throws IOException {
        try {
            return new ExternalIssuer(config, JWKSet.load(config.jwks().toFile()).toPublicJWKSet());
        } catch (ParseException e) {
            throw new IOException(config.jwks() + " is not a JWK set: " + e.getMessage(), e);
        }
    }

    /** The Mallard user an external token names, as it is now; AUTHENTICATION_FAILED saying why when refused. */
    public MallardUser verify(SignedJWT jwt, UserStore users) {
        JWTClaimsSet claims;
        try {
            claims = processor.process(jwt, null);
        } catch (BadJOSEException | JOSEException e) {
            throw TokenService.refused("the external token was refused: " + e.getMessage());
        }
        if (!config.issuer().equals(claims.getIssuer())) {
            throw TokenService.refused("the external token's issuer " + claims.getIssuer()
                    + " is not the configured issuer " + config.issuer());
        }
        if (claims.getAudience() == null || !claims.getAudience().contains(config.audience())) {
            throw TokenService.refused("the external token's audience " + claims.getAudience()
                    + " does not include " + config.audience());
        }
        Object name = claims.getClaim(config.userClaim());
        if (name == null) {
            throw TokenService.refused("the external token has no claim " + config.userClaim());
        }
        return users.user(name.toString()).orElseThrow(() -> TokenService.refused("the external token's user "
                + name + " is no Mallard user; an admin creates it with CREATE USER"));
    }
}
