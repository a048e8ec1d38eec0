package io.mallard.coordinator.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.nimbusds.jwt.SignedJWT;
import io.mallard.common.ErrorCode;
import io.mallard.common.MallardException;
import io.mallard.common.security.PasswordHasher;
import io.mallard.common.security.Secrets;
import io.mallard.common.security.UserRecord;
import io.mallard.coordinator.system.MetadataStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tokens against a real metadata database, on a clock the test moves; the user store's seeding and persistence. */
class TokenServiceTest {
    private static final long TTL = 60_000;

    @TempDir
    Path dir;

    @Test
    void aTokenLivesUntilItExpiresItsUserIsDroppedOrItsPasswordChanges() throws Exception {
        try (MetadataStore metadata = MetadataStore.open(dir.resolve("metadata.duckdb"))) {
            UserStore users = UserStore.open(metadata::newConnection, List.of(admin()));
            users.create("alice", "pw-1".toCharArray());
            Instant now = Instant.parse("2026-01-01T00:00:00Z");
            byte[] key = Secrets.randomBytes(32);
            TokenService tokens = new TokenService("cluster-a", key, TTL, Clock.fixed(now, ZoneOffset.UTC));
            SignedJWT token = SignedJWT.parse(tokens.issue(users.user("alice").orElseThrow()));
            assertThat(tokens.verify(token, users).name()).isEqualTo("alice");

            TokenService later = new TokenService("cluster-a", key, TTL,
                    Clock.fixed(now.plus(Duration.ofMillis(TTL)), ZoneOffset.UTC));
            assertThat(refusal(later, token, users)).contains("expired");
            TokenService otherCluster = new TokenService("cluster-b", Secrets.randomBytes(32), TTL, Clock.systemUTC());
            assertThat(refusal(otherCluster, token, users)).contains("another cluster");

            users.changePassword("alice", "pw-2".toCharArray());
            assertThat(refusal(tokens, token, users)).contains("password of alice changed");
            assertThat(users.authenticate("alice", "pw-1".toCharArray())).isEmpty();
            assertThat(users.authenticate("alice", "pw-2".toCharArray())).isPresent();
            SignedJWT fresh = SignedJWT.parse(tokens.issue(users.user("alice").orElseThrow()));
            assertThat(tokens.verify(fresh, users).name()).isEqualTo("alice");
            users.drop("alice", false);
            assertThat(refusal(tokens, fresh, users)).contains("no longer exists");
        }
    }

    @Test
    void theKeyFileIsTheOwnersAndKeptAcrossStarts() throws Exception {
        TokenService first = TokenService.open(dir, TTL);
        Path file = dir.resolve(TokenService.KEY_FILE);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        TokenService second = TokenService.open(dir, TTL);
        assertThat(second.clusterId()).isEqualTo(first.clusterId());
        try (MetadataStore metadata = MetadataStore.open(dir.resolve("metadata.duckdb"))) {
            UserStore users = UserStore.open(metadata::newConnection, List.of(admin()));
            SignedJWT token = SignedJWT.parse(first.issue(users.user("admin").orElseThrow()));
            assertThat(refusal(second, token, users)).as("another run of the coordinator")
                    .contains("before the coordinator restarted");
        }
    }

    @Test
    void theCredentialsFilesUsersAreCopiedInOnceAndStayDroppedOnceDropped() throws Exception {
        Path file = dir.resolve("metadata.duckdb");
        try (MetadataStore metadata = MetadataStore.open(file)) {
            UserStore users = UserStore.open(metadata::newConnection, List.of(admin(),
                    new UserRecord("old", UserRecord.READONLY, PasswordHasher.hash("old-pw".toCharArray()))));
            assertThat(users.user("old").orElseThrow().role()).as("readonly is now reader").isEqualTo(Role.READER);
            assertThat(users.authenticate("admin", "admin-pw".toCharArray())).isPresent();
            users.drop("old", false);
            MallardException last = catchThrowableOfType(MallardException.class, () -> users.drop("admin", false));
            assertThat(last.getMessage()).contains("last admin");
        }
        try (MetadataStore metadata = MetadataStore.open(file)) {
            UserStore users = UserStore.open(metadata::newConnection, List.of(admin(),
                    new UserRecord("old", UserRecord.READONLY, PasswordHasher.hash("old-pw".toCharArray()))));
            assertThat(users.list()).extracting(MallardUser::name).containsExactly("admin");
        }
    }

    private static UserRecord admin() {
        return new UserRecord("admin", UserRecord.ADMIN, PasswordHasher.hash("admin-pw".toCharArray()));
    }

    private static String refusal(TokenService tokens, SignedJWT token, UserStore users) {
        MallardException e = catchThrowableOfType(MallardException.class, () -> tokens.verify(token, users));
        assertThat(e.code()).isEqualTo(ErrorCode.AUTHENTICATION_FAILED);
        return e.getMessage();
    }
}
