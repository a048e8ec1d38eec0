package io.mallard.coordinator.security;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.mallard.common.ErrorCode;
import io.mallard.common.MallardException;
import io.mallard.common.security.SecureFiles;
import io.mallard.common.security.Secrets;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.ParseException;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;

/**
 * The coordinator's bearer tokens: JWTs signed with HS256 under a key of this cluster ({@code DIR/token-key.json},
 * 0600, made at the first start), carrying the user ({@code sub}), its role when issued ({@code role}), the user's
 * token generation ({@code gen}), the coordinator run that issued it ({@code boot}), the cluster's id ({@code aud};
 * {@code iss} is {@value #ISSUER}), issue time and expiry. A token is refused when its signature does not verify, when it expired, when it was issued by another
 * cluster, when its user was dropped, when its user's password changed since (the generation moved on) and when the
 * coordinator restarted since (client sessions live in its memory).
 */
public final class TokenService {
    /** The key file in the cluster directory. */
    public static final String KEY_FILE = "token-key.json";
    /** The {@code iss} of Mallard's own tokens. */
    public static final String ISSUER = "mallard";
    static final String ROLE = "role";
    static final String GENERATION = "gen";
    static final String BOOT = "boot";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int KEY_BYTES = 32;

    private final String clusterId;
    private final byte[] key;
    private final long ttlMillis;
    private final Clock clock;
    /**
     * This coordinator run: a client session (its settings, prepared statements) lives in the coordinator's memory, so
     * a token of an earlier run is refused and the client logs in again and sets its session up anew, as it did when
     * tokens were kept in memory.
     */
    private final String boot = Secrets.randomToken(9);

    TokenService(String clusterId, byte[] key, long ttlMillis, Clock clock) {
        this.clusterId = clusterId;
        this.key = key.clone();
        this.ttlMillis = ttlMillis;
        this.clock = clock;
    }

    /** Loads the cluster's token key from {@code dir}, making it (0600) with a fresh cluster id on first use. */
    public static TokenService open(Path dir, long ttlMillis) throws IOException {
        Path file = dir.resolve(KEY_FILE);
        if (!Files.exists(file)) {
            byte[] content = JSON.writeValueAsBytes(JSON.createObjectNode()
                    .put("clusterId", Secrets.randomToken(12))
                    .put("key", Base64.getEncoder().encodeToString(Secrets.randomBytes(KEY_BYTES))));
            SecureFiles.writeOwnerOnly(file, content);
        }
        SecureFiles.warnIfReadableByOthers(file);
        JsonNode root = JSON.readTree(file.toFile());
        String clusterId = root.path("clusterId").asText("");
        byte[] key = Base64.getDecoder().decode(root.path("key").asText(""));
        if (clusterId.isEmpty() || key.length < KEY_BYTES) {
            throw new IOException(file + " is malformed: it needs a clusterId and a key of " + KEY_BYTES + " bytes");
        }
        return new TokenService(clusterId, key, ttlMillis, Clock.systemUTC());
    }

    /** This cluster's id, the audience of its tokens. */
    public String clusterId() {
        return clusterId;
    }

    /** How long a token lives. */
    public long ttlMillis() {
        return ttlMillis;
    }

    /** A fresh token for {@code user}, expiring after the configured lifetime. */
    public String issue(MallardUser user) {
        Instant now = clock.instant();
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .issuer(ISSUER)
                .audience(clusterId)
                .subject(user.name())
                .claim(ROLE, user.role().sqlName())
                .claim(GENERATION, user.generation())
                .claim(BOOT, boot)
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plusMillis(ttlMillis)))
                .jwtID(Secrets.randomToken(12))
                .build();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).type(JOSEObjectType.JWT).build(), claims);
        try {
            jwt.sign(new MACSigner(key));
        } catch (JOSEException e) {
            throw new MallardException(ErrorCode.INTERNAL_ERROR, "cannot sign a token: " + e.getMessage(), e);
        }
        return jwt.serialize();
    }

    /** Whether {@code token} claims to be one of Mallard's own (issuer {@value #ISSUER}); false for anything else. */
    public static boolean isOwn(SignedJWT jwt) {
        try {
            return ISSUER.equals(jwt.getJWTClaimsSet().getIssuer());
        } catch (ParseException e) {
            return false;
        }
    }

    /**
     * The user a token of this cluster names, as the user is now; AUTHENTICATION_FAILED saying why when the token is
     * refused.
     */
    public MallardUser verify(SignedJWT jwt, UserStore users) {
        JWTClaimsSet claims;
        try {
            claims = jwt.getJWTClaimsSet();
        } catch (ParseException e) {
            throw refused("the token's claims are not JSON");
        }
        List<String> audience = claims.getAudience();
        if (!audience.contains(clusterId)) {
            throw refused("the token was issued by another cluster (" + String.join(", ", audience) + ")");
        }
        if (!JWSAlgorithm.HS256.equals(jwt.getHeader().getAlgorithm()) || !signatureVerifies(jwt)) {
            throw refused("the token's signature does not verify");
        }
        Date expires = claims.getExpirationTime();
        if (expires == null || !expires.toInstant().isAfter(clock.instant())) {
            throw refused("the token expired" + (expires == null ? "" : " at " + expires.toInstant()) + "; log in again");
        }
        if (!boot.equals(claims.getClaim(BOOT))) {
            throw refused("the token was issued before the coordinator restarted; log in again");
        }
        String name = claims.getSubject();
        MallardUser user = users.user(name).orElseThrow(() -> refused("the token's user " + name + " no longer exists"));
        Object generation = claims.getClaim(GENERATION);
        if (!Secrets.constantTimeEquals(user.generation(), generation == null ? null : generation.toString())) {
            throw refused("the token was revoked: the password of " + name + " changed since it was issued; log in again");
        }
        return user;
    }

    private boolean signatureVerifies(SignedJWT jwt) {
        try {
            return jwt.verify(new MACVerifier(key));
        } catch (JOSEException e) {
            return false;
        }
    }

    static MallardException refused(String why) {
        return new MallardException(ErrorCode.AUTHENTICATION_FAILED, why);
    }
}
