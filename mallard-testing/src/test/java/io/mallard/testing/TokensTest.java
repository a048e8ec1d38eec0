package io.mallard.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.mallard.client.MallardSqlClient;
import io.mallard.common.ErrorCode;
import io.mallard.common.MallardException;
import io.mallard.common.security.Secrets;
import io.mallard.coordinator.CoordinatorConfig;
import io.mallard.protocol.WireErrors;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Date;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.arrow.flight.CallHeaders;
import org.apache.arrow.flight.CallInfo;
import org.apache.arrow.flight.CallStatus;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.FlightClientMiddleware;
import org.apache.arrow.flight.FlightRuntimeException;
import org.apache.arrow.flight.Location;
import org.apache.arrow.flight.auth2.BearerCredentialWriter;
import org.apache.arrow.flight.grpc.CredentialCallOption;
import org.apache.arrow.flight.sql.FlightSqlClient;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bearer tokens on a real coordinator: its own HS256 tokens are taken while valid and refused when expired, forged,
 * signed with another key, issued by another cluster, or revoked (user dropped, password changed); the client renews a
 * refused token on its own; JWTs of the configured external issuer are taken only with the issuer's key, issuer,
 * audience and a known user. Every token here is made by the test (the cluster's key is read from its directory).
 */
class TokensTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ISSUER = "https://idp.test/realm";
    private static final String AUDIENCE = "mallard-tests";

    @TempDir
    static Path temp;

    private static LocalCluster cluster;
    private static MallardSqlClient admin;
    private static RSAKey issuerKey;
    private static BufferAllocator allocator;

    @BeforeAll
    static void start() throws Exception {
        issuerKey = new RSAKeyGenerator(2048).keyID("idp-1").generate();
        Path jwks = temp.resolve("jwks.json");
        Files.writeString(jwks, new JWKSet(issuerKey.toPublicJWK()).toString());
        cluster = LocalCluster.builder().workers(0).shards(2)
                .auth(new CoordinatorConfig.Auth(CoordinatorConfig.Auth.DEFAULTS.tokenTtlMillis(),
                        new CoordinatorConfig.ExternalJwt(ISSUER, AUDIENCE, jwks, "preferred_username")))
                .build();
        admin = cluster.sqlClient();
        admin.query("CREATE USER rita WITH PASSWORD 'rita-pass-1'");
        admin.query("GRANT reader TO rita");
        allocator = new RootAllocator();
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            cluster.assertClean();
        } finally {
            if (admin != null) {
                admin.close();
            }
            if (allocator != null) {
                allocator.close();
            }
            cluster.close();
        }
    }

    @Test
    void ownTokensAreSignedCarryTheUserAndExpire() throws Exception {
        String token = login("rita", "rita-pass-1");
        assertThat(call(token)).as("a fresh token works").isNull();
        SignedJWT jwt = SignedJWT.parse(token);
        JWTClaimsSet claims = jwt.getJWTClaimsSet();
        assertThat(jwt.getHeader().getAlgorithm()).isEqualTo(JWSAlgorithm.HS256);
        assertThat(claims.getSubject()).isEqualTo("rita");
        assertThat(claims.getStringClaim("role")).isEqualTo("reader");
        assertThat(claims.getAudience()).containsExactly(clusterId());
        assertThat(claims.getExpirationTime().getTime() - claims.getIssueTime().getTime()).isEqualTo(12 * 3600_000L);

        JWTClaimsSet.Builder expired = new JWTClaimsSet.Builder(claims)
                .issueTime(Date.from(Instant.now().minusSeconds(7200))).expirationTime(Date.from(Instant.now().minusSeconds(60)));
        assertRefused(sign(expired.build(), new MACSigner(clusterKey())), "expired");
        JWTClaimsSet.Builder stillValid = new JWTClaimsSet.Builder(claims).expirationTime(Date.from(Instant.now().plusSeconds(60)));
        assertThat(call(sign(stillValid.build(), new MACSigner(clusterKey())))).as("the same claims, not expired").isNull();

        // admin's name in rita's token, her signature kept
        String[] parts = token.split("\\.");
        String adminClaims = Base64.getUrlEncoder().withoutPadding().encodeToString(new JWTClaimsSet.Builder(claims)
                .subject("admin").claim("role", "admin").build().toString().getBytes(StandardCharsets.UTF_8));
        assertRefused(parts[0] + "." + adminClaims + "." + parts[2], "signature");
        assertRefused(sign(claims, new MACSigner(Secrets.randomBytes(32))), "signature");
        assertRefused(parts[0] + "." + parts[1] + ".", "not a well-formed signed JWT");
        assertRefused(Secrets.randomToken(32), "unknown token");
        JWTClaimsSet otherCluster = new JWTClaimsSet.Builder(claims).audience("another-cluster").build();
        assertRefused(sign(otherCluster, new MACSigner(Secrets.randomBytes(32))), "another cluster");
        assertRefused(sign(otherCluster, new MACSigner(clusterKey())), "another cluster");

        // each refusal is audited with its reason and the subject the token claimed, never the token itself
        List<List<Object>> audited = admin.query("SELECT user_name, detail FROM mallard.audit WHERE event = 'token' "
                + "AND outcome = 'refused' AND error_code = 'AUTHENTICATION_FAILED'").rows();
        assertThat(audited).anySatisfy(row -> assertThat(row).containsExactly("admin", row.get(1))
                        .satisfies(r -> assertThat((String) r.get(1)).contains("signature")))
                .anySatisfy(row -> assertThat((String) row.get(1)).contains("expired"));
        String log = java.nio.file.Files.readString(io.mallard.coordinator.audit.AuditLog.besideMetadata(
                cluster.coordinator().config().metadataFile()));
        assertThat(log).doesNotContain(token).doesNotContain(parts[2]);
    }

    @Test
    void droppingAUserOrChangingItsPasswordRevokesItsTokens() throws Exception {
        admin.query("CREATE USER pete WITH PASSWORD 'pete-pass-1'");
        admin.query("CREATE USER dora WITH PASSWORD 'dora-pass-1'");
        String pete = login("pete", "pete-pass-1");
        String dora = login("dora", "dora-pass-1");
        assertThat(call(pete)).isNull();
        assertThat(call(dora)).isNull();

        admin.query("ALTER USER pete WITH PASSWORD 'pete-pass-2'");
        assertRefused(pete, "password of pete changed");
        assertThat(call(login("pete", "pete-pass-2"))).as("a token after the change works").isNull();
        admin.query("DROP USER dora");
        assertRefused(dora, "dora no longer exists");
        admin.query("CREATE USER dora WITH PASSWORD 'dora-pass-1'");
        assertRefused(dora, "changed");
    }

    @Test
    void theClientRenewsARefusedTokenOnItsOwn() throws Exception {
        admin.query("CREATE USER nora WITH PASSWORD 'nora-pass-1'");
        try (MallardSqlClient nora = cluster.sqlClient("nora", "nora-pass-1")) {
            assertThat(nora.query("SELECT 1 AS one").rows().toString()).isEqualTo("[[1]]");
            // her own password, set again: the generation moves on, the token she holds is refused
            nora.query("ALTER USER nora WITH PASSWORD 'nora-pass-1'");
            assertThat(nora.query("SELECT 2 AS two").rows().toString()).as("logged in again").isEqualTo("[[2]]");
            assertThat(admin.query("SELECT count(DISTINCT session_id) FROM mallard.queries WHERE user_name = 'nora'")
                    .rows().toString()).as("two sessions").isEqualTo("[[2]]");
        }
    }

    @Test
    void usersOutliveARestartTheirTokensDoNot() throws Exception {
        admin.query("CREATE USER rhea WITH PASSWORD 'rhea-pass-1'");
        admin.query("GRANT writer TO rhea");
        String before = login("rhea", "rhea-pass-1");
        assertThat(call(before)).isNull();
        cluster.restartCoordinator();
        assertRefused(before, "before the coordinator restarted");
        assertThat(call(login("rhea", "rhea-pass-1"))).as("the user and its password are kept").isNull();
        assertThat(admin.query("SELECT role FROM mallard.users WHERE user_name = 'rhea'").rows().toString())
                .as("the admin's client logged in again on its own").isEqualTo("[[writer]]");
        assertThat(admin.query("SELECT count(*) FROM mallard.users WHERE user_name = 'admin'").rows().toString())
                .as("the bootstrap admin is copied in once").isEqualTo("[[1]]");
    }

    @Test
    void externalTokensNeedTheIssuersKeyIssuerAudienceAndAKnownUser() throws Exception {
        assertThat(call(external(ISSUER, AUDIENCE, "rita", 300, issuerKey))).as("a valid external token").isNull();
        assertRefused(external("https://elsewhere.test", AUDIENCE, "rita", 300, issuerKey), "issuer");
        assertRefused(external(ISSUER, "another-audience", "rita", 300, issuerKey), "audience");
        assertRefused(external(ISSUER, AUDIENCE, "rita", -60, issuerKey), "xpired");
        RSAKey stranger = new RSAKeyGenerator(2048).keyID("idp-1").generate();
        assertRefused(external(ISSUER, AUDIENCE, "rita", 300, stranger), "external token was refused");
        assertRefused(external(ISSUER, AUDIENCE, "mallory", 300, issuerKey), "no Mallard user");
        JWTClaimsSet hmac = new JWTClaimsSet.Builder().issuer(ISSUER).audience(AUDIENCE)
                .claim("preferred_username", "rita").expirationTime(Date.from(Instant.now().plusSeconds(300))).build();
        assertRefused(sign(hmac, new MACSigner(Secrets.randomBytes(32))), "external token was refused");
    }

    private static String external(String issuer, String audience, String user, long expiresInSeconds, RSAKey key)
            throws Exception {
        JWTClaimsSet claims = new JWTClaimsSet.Builder().issuer(issuer).audience(audience).subject("idp-" + user)
                .claim("preferred_username", user).issueTime(new Date())
                .expirationTime(Date.from(Instant.now().plusSeconds(expiresInSeconds))).build();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).build(), claims);
        jwt.sign(new RSASSASigner(key));
        return jwt.serialize();
    }

    private static String sign(JWTClaimsSet claims, JWSSigner signer) throws Exception {
        SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims);
        jwt.sign(signer);
        return jwt.serialize();
    }

    private static JsonNode keyFile() throws Exception {
        return JSON.readTree(cluster.dir().resolve("token-key.json").toFile());
    }

    private static byte[] clusterKey() throws Exception {
        return Base64.getDecoder().decode(keyFile().path("key").asText());
    }

    private static String clusterId() throws Exception {
        return keyFile().path("clusterId").asText();
    }

    private static void assertRefused(String token, String why) throws Exception {
        MallardException refused = call(token);
        assertThat(refused).as("refused: " + why).isNotNull();
        assertThat(refused.code()).isEqualTo(ErrorCode.AUTHENTICATION_FAILED);
        assertThat(refused.getMessage()).contains(why);
    }

    private static FlightClient flight(FlightClientMiddleware.Factory... middleware) throws Exception {
        FlightClient.Builder builder = FlightClient.builder(allocator, Location.forGrpcTls("127.0.0.1",
                cluster.coordinator().port())).useTls()
                .trustedCertificates(new ByteArrayInputStream(Files.readAllBytes(cluster.caCertificate())));
        for (FlightClientMiddleware.Factory m : middleware) {
            builder.intercept(m);
        }
        return builder.build();
    }

    /** Runs {@code SELECT 1} with the token; null when it was taken, else the refusal. */
    private static MallardException call(String token) throws Exception {
        try (FlightClient client = flight()) {
            new FlightSqlClient(client).execute("SELECT 1", new CredentialCallOption(new BearerCredentialWriter(token)));
            return null;
        } catch (FlightRuntimeException e) {
            return WireErrors.fromFlight(e);
        }
    }

    /** Logs in with user and password and returns the bearer token the coordinator answered with. */
    private static String login(String user, String password) throws Exception {
        AtomicReference<String> token = new AtomicReference<>();
        FlightClientMiddleware.Factory capture = info -> new FlightClientMiddleware() {
            @Override
            public void onBeforeSendingHeaders(CallHeaders outgoing) {
            }

            @Override
            public void onHeadersReceived(CallHeaders incoming) {
                String value = incoming.get("authorization");
                if (value != null && value.startsWith("Bearer ")) {
                    token.set(value.substring("Bearer ".length()));
                }
            }

            @Override
            public void onCallCompleted(CallStatus status) {
            }
        };
        try (FlightClient client = flight(capture)) {
            client.authenticateBasicToken(user, password);
        }
        assertThat(token.get()).as("a token for " + user).isNotNull();
        return token.get();
    }
}
