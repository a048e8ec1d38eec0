package io.mallard.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class SideBySideTest {
    @Test
    void medianOfOddAndEvenCounts() {
        assertThat(SideBySide.median(List.of(5.0, 1.0, 3.0))).isEqualTo(3.0);
        assertThat(SideBySide.median(List.of(4.0, 1.0, 3.0, 2.0))).isEqualTo(2.5);
    }
}
