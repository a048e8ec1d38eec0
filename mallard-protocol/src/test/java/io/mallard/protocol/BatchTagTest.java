package io.mallard.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mallard.common.ErrorCode;
import io.mallard.common.MallardException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BatchTagTest {
    @Test
    void theWireBytesAreTheIndexAndTheEndMarkerInAscii() {
        assertThat(ascii(BatchTag.batch(0).encode())).isEqualTo("0");
        assertThat(ascii(BatchTag.batch(17).encode())).isEqualTo("17");
        assertThat(ascii(BatchTag.end(0).encode())).isEqualTo("0:end");
        assertThat(ascii(BatchTag.end(Integer.MAX_VALUE).encode())).isEqualTo(Integer.MAX_VALUE + ":end");
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 9, 10, 255, 65_536, Integer.MAX_VALUE})
    void everyTagDecodesToItself(int index) {
        for (BatchTag tag : new BatchTag[] {BatchTag.batch(index), BatchTag.end(index)}) {
            assertThat(BatchTag.decode(tag.encode())).isEqualTo(tag);
        }
        assertThat(BatchTag.decode(BatchTag.end(index).encode()).end()).isTrue();
        assertThat(BatchTag.decode(BatchTag.batch(index).encode()).end()).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", ":end", "end", "x", "1x", "-1", "+1", "01", "00:end", " 1", "1 ", "1:END", "1:end:end",
            "1:en", "2147483648", "99999999999", "12345678901:end", "1:end\n", "٣"})
    void junkIsAProtocolError(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> BatchTag.decode(bytes))
                .isInstanceOfSatisfying(MallardException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.PROTOCOL_ERROR));
    }

    @Test
    void aNegativeIndexCannotBeMade() {
        assertThatThrownBy(() -> BatchTag.batch(-1)).isInstanceOf(IllegalArgumentException.class);
    }

    private static String ascii(byte[] bytes) {
        return new String(bytes, StandardCharsets.US_ASCII);
    }
}
