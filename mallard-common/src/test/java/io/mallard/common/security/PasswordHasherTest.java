package io.mallard.common.security;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class PasswordHasherTest {
    private static final char[] PASSWORD = "correct horse battery staple".toCharArray();
    // Made by the reference implementation (libargon2's argon2id_hash_encoded) with the salt
    // "mallard-salt-16b", so these prove the PHC format and parameters interoperate.
    private static final String REFERENCE_HASH =
            "$argon2id$v=19$m=19456,t=2,p=1$bWFsbGFyZC1zYWx0LTE2Yg$VWZOEMfO0IOScTsRajkwMdd9EwTCW6q/AZGIBa328FE";
    private static final String REFERENCE_HASH_UMLAUTS =
            "$argon2id$v=19$m=19456,t=2,p=1$bWFsbGFyZC1zYWx0LTE2Yg$6xUVO8Zwvry7oEpI/41tuwwRCJPcz03mmABtHU1i5W8";
    private static final String REFERENCE_HASH_OTHER_PARAMETERS =
            "$argon2id$v=19$m=4096,t=3,p=2$bWFsbGFyZC1zYWx0LTE2Yg$8zja+tiW93KxZrJITf7a9fGZ0CsLIU6f88Iafs0rGdk";

    @Test
    void hashIsPhcArgon2idWithTheOwaspParameters() {
        assertThat(PasswordHasher.hash(PASSWORD))
                .matches("\\$argon2id\\$v=19\\$m=19456,t=2,p=1\\$[A-Za-z0-9+/]{22}\\$[A-Za-z0-9+/]{43}");
    }

    @Test
    void verifiesTheRightPasswordOnly() {
        String hash = PasswordHasher.hash(PASSWORD);
        assertThat(PasswordHasher.verify(PASSWORD, hash)).isTrue();
        assertThat(PasswordHasher.verify("correct horse battery stapler".toCharArray(), hash)).isFalse();
        assertThat(PasswordHasher.verify(new char[0], hash)).isFalse();
    }

    @Test
    void twoHashesOfOnePasswordDifferBySalt() {
        String first = PasswordHasher.hash(PASSWORD);
        String second = PasswordHasher.hash(PASSWORD);
        assertThat(first).isNotEqualTo(second);
        assertThat(PasswordHasher.verify(PASSWORD, first)).isTrue();
        assertThat(PasswordHasher.verify(PASSWORD, second)).isTrue();
    }

    @Test
    void verifiesHashesMadeByTheReferenceImplementation() {
        assertThat(PasswordHasher.verify(PASSWORD, REFERENCE_HASH)).isTrue();
        assertThat(PasswordHasher.verify("pässwörd".toCharArray(), REFERENCE_HASH_UMLAUTS)).isTrue();
        assertThat(PasswordHasher.verify(PASSWORD, REFERENCE_HASH_OTHER_PARAMETERS)).isTrue();
        assertThat(PasswordHasher.verify("wrong".toCharArray(), REFERENCE_HASH)).isFalse();
    }

    @Test
    void aTamperedHashDoesNotVerify() {
        String tampered = REFERENCE_HASH.replace("VWZOEMfO", "VWZOEMfP");
        assertThat(PasswordHasher.verify(PASSWORD, tampered)).isFalse();
        assertThat(PasswordHasher.verify(PASSWORD, REFERENCE_HASH.replace("t=2", "t=3"))).isFalse();
    }

    @Test
    void nullPasswordIsFalse() {
        assertThat(PasswordHasher.verify(null, REFERENCE_HASH)).isFalse();
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {
        "plain",
        "$argon2id$",
        "$argon2i$v=19$m=19456,t=2,p=1$bWFsbGFyZC1zYWx0LTE2Yg$VWZOEMfO0IOScTsRajkwMdd9EwTCW6q/AZGIBa328FE",
        "$argon2id$v=16$m=19456,t=2,p=1$bWFsbGFyZC1zYWx0LTE2Yg$VWZOEMfO0IOScTsRajkwMdd9EwTCW6q/AZGIBa328FE",
        "$argon2id$v=19$m=19456,t=2$bWFsbGFyZC1zYWx0LTE2Yg$VWZOEMfO0IOScTsRajkwMdd9EwTCW6q/AZGIBa328FE",
        "$argon2id$v=19$m=19456,t=2,p=1$bWFsbGFyZC1zYWx0LTE2Yg$!!!!EMfO0IOScTsRajkwMdd9EwTCW6q/AZGIBa328FE",
        "$argon2id$v=19$m=19456,t=2,p=1$bWFsbGFyZC1zYWx0LTE2Yg$VWZOEMfO0IOScTsRajkwMdd9EwTCW6q/AZGIBa328F",
        "$argon2id$v=19$m=19456,t=2,p=1$bWFsbGFyZC1zYWx0LTE2Yg$VWZOEMfO0IOScTsRajkwMdd9EwTCW6q/AZGIBa328FE$",
        "$argon2id$v=19$m=99999999999,t=2,p=1$bWFsbGFyZC1zYWx0LTE2Yg$VWZOEMfO0IOScTsRajkwMdd9EwTCW6q/AZGIBa328FE",
        "$argon2id$v=19$m=2000000000,t=2,p=1$bWFsbGFyZC1zYWx0LTE2Yg$VWZOEMfO0IOScTsRajkwMdd9EwTCW6q/AZGIBa328FE",
        "$argon2id$v=19$m=19456,t=0,p=1$bWFsbGFyZC1zYWx0LTE2Yg$VWZOEMfO0IOScTsRajkwMdd9EwTCW6q/AZGIBa328FE",
        "$argon2id$v=19$m=19456,t=2,p=0$bWFsbGFyZC1zYWx0LTE2Yg$VWZOEMfO0IOScTsRajkwMdd9EwTCW6q/AZGIBa328FE",
        "$argon2id$v=19$m=4,t=2,p=1$bWFsbGFyZC1zYWx0LTE2Yg$VWZOEMfO0IOScTsRajkwMdd9EwTCW6q/AZGIBa328FE",
    })
    void malformedHashesAreFalseNotExceptions(String encoded) {
        assertThat(PasswordHasher.verify(PASSWORD, encoded)).isFalse();
    }
}
