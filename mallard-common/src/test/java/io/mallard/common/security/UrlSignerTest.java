package io.mallard.common.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mallard.common.security.UrlSigner.Verdict;
import java.net.URI;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class UrlSignerTest {
    private static final long NOW = 1_700_000_000L;
    private static final long EXPIRES = NOW + 300;

    private final UrlSigner signer = new UrlSigner(Secrets.randomBytes(32));

    @Test
    void aFreshSignedUrlIsOk() {
        String query = signer.sign("lineitem-0007", "worker-2", EXPIRES);
        assertThat(query).matches("shard=lineitem-0007&worker=worker-2&expires=" + EXPIRES + "&sig=[0-9a-f]{64}");
        assertThat(signer.verify("lineitem-0007", UrlSigner.parseQuery(query), NOW)).isEqualTo(Verdict.OK);
        assertThat(signer.verify("lineitem-0007", UrlSigner.parseQuery(query), EXPIRES)).isEqualTo(Verdict.OK);
    }

    @Test
    void idsThatNeedEncodingRoundTripThroughARealUri() {
        String shard = "orders/part 1&x=ü";
        String query = signer.sign(shard, "w+1", EXPIRES);
        URI uri = URI.create("https://127.0.0.1:8443/shards/x?" + query);
        Map<String, String> params = UrlSigner.parseQuery(uri.getRawQuery());
        assertThat(params).containsEntry("shard", shard).containsEntry("worker", "w+1");
        assertThat(signer.verify(shard, params, NOW)).isEqualTo(Verdict.OK);
    }

    @Test
    void afterExpiryItIsExpired() {
        Map<String, String> params = UrlSigner.parseQuery(signer.sign("s1", "w1", EXPIRES));
        assertThat(signer.verify("s1", params, EXPIRES + 1)).isEqualTo(Verdict.EXPIRED);
    }

    @Test
    void aTamperedSignatureIsBad() {
        Map<String, String> params = new HashMap<>(UrlSigner.parseQuery(signer.sign("s1", "w1", EXPIRES)));
        String sig = params.get("sig");
        params.put("sig", (sig.charAt(0) == '0' ? "1" : "0") + sig.substring(1));
        assertThat(signer.verify("s1", params, NOW)).isEqualTo(Verdict.BAD_SIGNATURE);
    }

    @Test
    void changingAnySignedValueBreaksTheSignature() {
        Map<String, String> signed = UrlSigner.parseQuery(signer.sign("s1", "w1", EXPIRES));
        assertThat(signer.verify("s1", with(signed, "expires", Long.toString(EXPIRES + 3600)), NOW))
                .isEqualTo(Verdict.BAD_SIGNATURE);
        assertThat(signer.verify("s1", with(signed, "worker", "w2"), NOW)).isEqualTo(Verdict.BAD_SIGNATURE);
        assertThat(signer.verify("s2", with(signed, "shard", "s2"), NOW)).isEqualTo(Verdict.BAD_SIGNATURE);
    }

    @Test
    void aUrlForOneShardDoesNotOpenAnother() {
        Map<String, String> params = UrlSigner.parseQuery(signer.sign("s1", "w1", EXPIRES));
        assertThat(signer.verify("s2", params, NOW)).isEqualTo(Verdict.WRONG_SHARD);
        assertThat(signer.verify(null, params, NOW)).isEqualTo(Verdict.WRONG_SHARD);
    }

    @Test
    void anotherKeysSignatureIsBad() {
        Map<String, String> params = UrlSigner.parseQuery(signer.sign("s1", "w1", EXPIRES));
        UrlSigner other = new UrlSigner(Secrets.randomBytes(32));
        assertThat(other.verify("s1", params, NOW)).isEqualTo(Verdict.BAD_SIGNATURE);
    }

    @Test
    void fieldBoundariesAreSigned() {
        Map<String, String> params = UrlSigner.parseQuery(signer.sign("ab", "c", EXPIRES));
        Map<String, String> shifted = with(with(params, "shard", "a"), "worker", "bc");
        assertThat(signer.verify("a", shifted, NOW)).isEqualTo(Verdict.BAD_SIGNATURE);
    }

    @ParameterizedTest
    @ValueSource(strings = {"shard", "worker", "expires", "sig"})
    void aMissingParameterIsMalformed(String name) {
        Map<String, String> params = new HashMap<>(UrlSigner.parseQuery(signer.sign("s1", "w1", EXPIRES)));
        params.remove(name);
        assertThat(signer.verify("s1", params, NOW)).isEqualTo(Verdict.MALFORMED);
        params.put(name, "");
        assertThat(signer.verify("s1", params, NOW)).isEqualTo(Verdict.MALFORMED);
    }

    @Test
    void unparsableValuesAreMalformed() {
        Map<String, String> signed = UrlSigner.parseQuery(signer.sign("s1", "w1", EXPIRES));
        assertThat(signer.verify("s1", with(signed, "expires", "soon"), NOW)).isEqualTo(Verdict.MALFORMED);
        assertThat(signer.verify("s1", with(signed, "expires", "+" + EXPIRES), NOW)).isEqualTo(Verdict.MALFORMED);
        assertThat(signer.verify("s1", with(signed, "sig", "abc"), NOW)).isEqualTo(Verdict.MALFORMED);
        assertThat(signer.verify("s1", with(signed, "sig", "z".repeat(64)), NOW)).isEqualTo(Verdict.MALFORMED);
        assertThat(signer.verify("s1", Map.of(), NOW)).isEqualTo(Verdict.MALFORMED);
        assertThat(signer.verify("s1", null, NOW)).isEqualTo(Verdict.MALFORMED);
    }

    @Test
    void keysShorterThan32BytesAreRejected() {
        assertThatThrownBy(() -> new UrlSigner(new byte[31])).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new UrlSigner(null)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void signRejectsEmptyIds() {
        assertThatThrownBy(() -> signer.sign("", "w1", EXPIRES)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> signer.sign("s1", null, EXPIRES)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void parseQueryDecodesAndToleratesOddInput() {
        assertThat(UrlSigner.parseQuery(null)).isEmpty();
        assertThat(UrlSigner.parseQuery("")).isEmpty();
        assertThat(UrlSigner.parseQuery("?a=1&b=x%20y&c&&a=2&d=%zz"))
                .containsExactly(Map.entry("a", "1"), Map.entry("b", "x y"), Map.entry("c", ""));
    }

    private static Map<String, String> with(Map<String, String> params, String name, String value) {
        Map<String, String> copy = new HashMap<>(params);
        copy.put(name, value);
        return copy;
    }
}
