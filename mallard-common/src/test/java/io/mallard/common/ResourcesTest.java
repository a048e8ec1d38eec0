package io.mallard.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ResourcesTest {
    private final List<String> closed = new ArrayList<>();

    private AutoCloseable named(String name) {
        return () -> closed.add(name);
    }

    private AutoCloseable failing(String name, Exception e) {
        return () -> {
            closed.add(name);
            throw e;
        };
    }

    @Test
    void closesInTheReverseOfThePushOrderOnce() {
        Resources resources = new Resources();
        resources.push(named("connection"));
        resources.push(named("statement"));
        resources.onClose(() -> closed.add("forget"));
        resources.push(named("result"));
        resources.close();
        resources.close();
        assertThat(closed).containsExactly("result", "forget", "statement", "connection");
        assertThat(resources.isEmpty()).isTrue();
    }

    @Test
    void theFirstFailureIsThrownAfterEverythingClosedWithTheLaterOnesSuppressed() {
        Resources resources = new Resources();
        IllegalStateException second = new IllegalStateException("second");
        resources.push(failing("a", second));
        resources.push(named("b"));
        IllegalArgumentException first = new IllegalArgumentException("first");
        resources.push(failing("c", first));
        assertThatThrownBy(resources::close).isSameAs(first);
        assertThat(closed).containsExactly("c", "b", "a");
        assertThat(first.getSuppressed()).containsExactly(second);
    }

    @Test
    void aCheckedFailureIsWrapped() {
        Resources resources = new Resources();
        IOException io = new IOException("disk");
        resources.push(failing("a", io));
        assertThatThrownBy(resources::close).isInstanceOf(IllegalStateException.class).hasCause(io);
    }

    @Test
    void closingAfterAFailureKeepsThatFailureAndThrowsNothing() {
        Resources resources = new Resources();
        IOException whileClosing = new IOException("while closing");
        resources.push(failing("a", whileClosing));
        resources.push(named("b"));
        RuntimeException primary = new RuntimeException("the query failed");
        resources.closeAfter(primary);
        assertThat(closed).containsExactly("b", "a");
        assertThat(primary.getSuppressed()).containsExactly(whileClosing);
    }

    @Test
    void transferMovesOwnershipInTheSameOrder() {
        Resources building = new Resources();
        building.push(named("connection"));
        building.push(named("reader"));
        Resources owner = building.transfer();
        building.close();
        assertThat(closed).isEmpty();
        owner.close();
        assertThat(closed).containsExactly("reader", "connection");
    }
}
