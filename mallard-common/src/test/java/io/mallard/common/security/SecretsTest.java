package io.mallard.common.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class SecretsTest {
    @Test
    void randomTokenIsUnpaddedBase64UrlOfTheRequestedLength() {
        String token = Secrets.randomToken(32);
        assertThat(token).hasSize(43).matches("[A-Za-z0-9_-]+");
        assertThat(Secrets.randomToken(32)).isNotEqualTo(token);
        assertThatThrownBy(() -> Secrets.randomToken(0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void randomBytesHaveTheRequestedLengthAndDiffer() {
        assertThat(Secrets.randomBytes(16)).hasSize(16).isNotEqualTo(Secrets.randomBytes(16));
        assertThat(Secrets.randomBytes(0)).isEmpty();
        assertThatThrownBy(() -> Secrets.randomBytes(-1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void constantTimeEqualsComparesContentAndNeverMatchesNull() {
        assertThat(Secrets.constantTimeEquals("s3cret", "s3cret")).isTrue();
        assertThat(Secrets.constantTimeEquals("s3cret", "s3creT")).isFalse();
        assertThat(Secrets.constantTimeEquals("s3cret", "s3cret-longer")).isFalse();
        assertThat(Secrets.constantTimeEquals("", "")).isTrue();
        assertThat(Secrets.constantTimeEquals("ä", "ä")).isTrue();
        assertThat(Secrets.constantTimeEquals(null, "x")).isFalse();
        assertThat(Secrets.constantTimeEquals("x", null)).isFalse();
        assertThat(Secrets.constantTimeEquals(null, null)).isFalse();
    }

    @Test
    void sha256HexMatchesTheFips180Vector() {
        assertThat(Secrets.sha256Hex("abc".getBytes(StandardCharsets.US_ASCII)))
                .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }

    @Test
    void utf8EncodesWithoutAString() {
        assertThat(Secrets.utf8("pä".toCharArray())).isEqualTo("pä".getBytes(StandardCharsets.UTF_8));
    }
}
