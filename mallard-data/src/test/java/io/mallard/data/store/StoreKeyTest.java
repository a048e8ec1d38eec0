package io.mallard.data.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class StoreKeyTest {
    @ParameterizedTest
    @ValueSource(strings = {"a", "tables/events/shard-0001/3f2a-9c.duckdb", "x=1/y_2/z-3.v4", "a.b"})
    void acceptsPlainRelativeKeys(String key) {
        assertThat(StoreKey.requireValid(key)).isEqualTo(key);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "..", "../a", "a/..", "a/../b", ".", "./a", "/a", "a/", "a//b", ".a", "a/.b", "a\\b",
            "a b", "a\tb", "é", "a:b", "a?b", "a#b", "a%2e"})
    void refusesKeysThatAreNotPlainRelativeNames(String key) {
        assertThatThrownBy(() -> StoreKey.requireValid(key)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void refusesOverlongKeys() {
        String longest = "a".repeat(StoreKey.MAX_LENGTH);

        assertThat(StoreKey.requireValid(longest)).isEqualTo(longest);
        assertThatThrownBy(() -> StoreKey.requireValid(longest + "a")).isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "t", "tables/", "tables/a", "tables/a.", "tables/a-", "tables/a/s"})
    void acceptsPrefixesOfValidKeys(String prefix) {
        assertThat(StoreKey.requireValidPrefix(prefix)).isEqualTo(prefix);
    }

    @ParameterizedTest
    @ValueSource(strings = {"/", "/tables", "tables//", "tables/.", "..", "../", "tables/../", "é"})
    void refusesPrefixesNoValidKeyHas(String prefix) {
        assertThatThrownBy(() -> StoreKey.requireValidPrefix(prefix)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aNullPrefixIsRefusedWithAHint() {
        assertThatThrownBy(() -> StoreKey.requireValidPrefix(null)).hasMessageContaining("\"\"");
    }
}
