package io.mallard.coordinator.flightsql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.mallard.common.ErrorCode;
import io.mallard.common.MallardException;
import io.mallard.coordinator.server.Identity;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Sessions are capped, idle ones end (their next call logs in again) and make room for new ones. */
class ClientSessionsTest {
    private final AtomicLong now = new AtomicLong(1_000_000);
    private final ClientSessions sessions = new ClientSessions(2, 10_000, 3_600_000, now::get);

    private static Identity user(String session) {
        return new Identity("user", "alice", "reader", session);
    }

    @Test
    void theSessionBeyondTheCapIsRefusedNamingTheLimitWhileOpenOnesWork() {
        ClientSession first = sessions.of(user("s1"));
        sessions.of(user("s2"));
        MallardException refused = catchThrowableOfType(MallardException.class, () -> sessions.of(user("s3")));
        assertThat(refused.code()).isEqualTo(ErrorCode.LIMIT_EXCEEDED);
        assertThat(refused.getMessage()).contains("--max-sessions 2");
        assertThat(sessions.of(user("s1"))).isSameAs(first);
        sessions.close(user("s2"));
        assertThat(sessions.of(user("s3"))).isNotNull();
        assertThat(sessions.open()).isEqualTo(2);
    }

    @Test
    void anIdleSessionEndsItsNextCallIsUnauthenticatedAndItsPlaceIsFree() {
        ClientSession used = sessions.of(user("s1"));
        sessions.of(user("s2"));
        now.addAndGet(9_000);
        assertThat(sessions.of(user("s1"))).as("used within the idle timeout").isSameAs(used);
        now.addAndGet(2_000); // s2 now idle for 11 s, s1 for 2 s
        assertThat(sessions.of(user("s3"))).as("the idle session made room").isNotNull();
        MallardException ended = catchThrowableOfType(MallardException.class, () -> sessions.of(user("s2")));
        assertThat(ended.code()).isEqualTo(ErrorCode.AUTHENTICATION_FAILED);
        assertThat(ended.getMessage()).contains("--session-idle-timeout", "log in again");
        now.addAndGet(11_000);
        MallardException idle = catchThrowableOfType(MallardException.class, () -> sessions.of(user("s1")));
        assertThat(idle.code()).isEqualTo(ErrorCode.AUTHENTICATION_FAILED);
    }
}
