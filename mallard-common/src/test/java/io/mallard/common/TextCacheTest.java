package io.mallard.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TextCacheTest {
    @Test
    void computesEachTextOnceAndKeepsTheMostRecentlyUsed() {
        List<String> computed = new ArrayList<>();
        TextCache<Integer> cache = new TextCache<>(2);
        java.util.function.Function<String, Integer> length = text -> {
            computed.add(text);
            return text.length();
        };
        assertThat(cache.get("SELECT 1", length)).isEqualTo(8);
        assertThat(cache.get("SELECT 1", length)).isEqualTo(8);
        assertThat(cache.get("SELECT 22", length)).isEqualTo(9);
        assertThat(cache.get("SELECT 1", length)).isEqualTo(8); // now the most recently used
        assertThat(cache.get("SELECT 333", length)).isEqualTo(10); // evicts "SELECT 22"
        assertThat(cache.size()).isEqualTo(2);
        assertThat(cache.get("SELECT 1", length)).isEqualTo(8);
        assertThat(cache.get("SELECT 22", length)).isEqualTo(9);
        assertThat(computed).containsExactly("SELECT 1", "SELECT 22", "SELECT 333", "SELECT 22");
    }

    @Test
    void aFailureIsNotKept() {
        TextCache<Integer> cache = new TextCache<>(4);
        assertThatThrownBy(() -> cache.get("SELEC 1", text -> {
            throw new MallardException(ErrorCode.SYNTAX_ERROR, "syntax error at position 1");
        })).isInstanceOf(MallardException.class);
        assertThat(cache.size()).isZero();
        assertThat(cache.get("SELEC 1", String::length)).isEqualTo(7);
    }
}
