package io.mallard.coordinator.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.mallard.common.ErrorCode;
import io.mallard.common.MallardException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Login lockouts per user and per address, per-role statement slots, and the flags that set them. */
class LimitsUnitTest {
    private final AtomicLong now = new AtomicLong(5_000_000);

    @Test
    void failedLoginsLockOutTheUserNameButNotAnotherUserFromTheSameAddress() {
        LoginThrottle throttle = new LoginThrottle(new ClientLimits.LoginPolicy(3, 10, 60_000, 30_000), now::get);
        for (int i = 0; i < 3; i++) {
            throttle.check("bob", "10.0.0.1:4000" + i);
            throttle.failed("bob", "10.0.0.1:4000" + i);
        }
        MallardException locked = catchThrowableOfType(MallardException.class, () -> throttle.check("Bob", "10.0.0.2:1"));
        assertThat(locked.code()).isEqualTo(ErrorCode.LIMIT_EXCEEDED);
        assertThat(locked.getMessage()).contains("too many failed logins for user Bob", "30 s", "--login-lockout");
        throttle.check("alice", "10.0.0.1:5000"); // another user from the same address: fine
        now.addAndGet(30_001);
        throttle.check("bob", "10.0.0.1:5001"); // the lockout is over
    }

    @Test
    void failuresFromOneAddressLockOutTheAddressForEveryName() {
        LoginThrottle throttle = new LoginThrottle(new ClientLimits.LoginPolicy(100, 4, 60_000, 30_000), now::get);
        for (int i = 0; i < 4; i++) {
            throttle.failed("user" + i, "10.0.0.9:" + (7000 + i));
        }
        MallardException locked = catchThrowableOfType(MallardException.class,
                () -> throttle.check("carol", "10.0.0.9:8000"));
        assertThat(locked.code()).isEqualTo(ErrorCode.LIMIT_EXCEEDED);
        assertThat(locked.getMessage()).contains("address 10.0.0.9").doesNotContain("8000");
        throttle.check("carol", "10.0.0.10:8000");
    }

    @Test
    void failuresOutsideTheWindowAndASuccessDoNotCount() {
        LoginThrottle throttle = new LoginThrottle(new ClientLimits.LoginPolicy(3, 100, 60_000, 30_000), now::get);
        throttle.failed("dave", "a:1");
        throttle.failed("dave", "a:1");
        now.addAndGet(60_001);
        throttle.failed("dave", "a:1");
        throttle.check("dave", "a:1");
        throttle.failed("dave", "a:1");
        throttle.succeeded("dave");
        throttle.failed("dave", "a:1");
        throttle.check("dave", "a:1");
    }

    @Test
    void aRoleRunsAtMostItsLimitAndOtherRolesAreNotCounted() {
        RoleSlots slots = new RoleSlots(ClientLimits.parseRoles(List.of("reader:queries=2,timeout=30s")));
        RoleSlots.Slot a = slots.enter("rita", "reader");
        RoleSlots.Slot b = slots.enter("rudi", "reader");
        MallardException refused = catchThrowableOfType(MallardException.class, () -> slots.enter("rita", "reader"));
        assertThat(refused.code()).isEqualTo(ErrorCode.LIMIT_EXCEEDED);
        assertThat(refused.getMessage()).contains("reader role may run 2", "--role-limits reader:queries=2");
        try (RoleSlots.Slot writer = slots.enter("walt", "writer")) {
            assertThat(writer).isNotNull();
        }
        a.close();
        a.close(); // idempotent
        slots.enter("rita", "reader").close();
        b.close();
        assertThat(slots.timeoutMillis("reader")).isEqualTo(30_000);
        assertThat(slots.timeoutMillis("admin")).isZero();
    }

    @Test
    void flagsThatAreNoLimitsAreRefused() {
        assertThat(ClientLimits.parseRoles(List.of("writer:timeout=2m", "reader:queries=1")))
                .isEqualTo(Map.of(Role.WRITER, new ClientLimits.RoleLimit(0, 120_000),
                        Role.READER, new ClientLimits.RoleLimit(1, 0)));
        for (String bad : List.of("reader", "reader:queries=-1", "reader:speed=3", "pilot:queries=1")) {
            assertThat(catchThrowableOfType(MallardException.class, () -> ClientLimits.parseRoles(List.of(bad))).code())
                    .as(bad).isEqualTo(ErrorCode.INVALID_ARGUMENT);
        }
        assertThat(ClientLimits.LoginPolicy.parse("5,50,60s,2m")).isEqualTo(new ClientLimits.LoginPolicy(5, 50, 60_000, 120_000));
        assertThat(catchThrowableOfType(MallardException.class, () -> ClientLimits.LoginPolicy.parse("5,50")).code())
                .isEqualTo(ErrorCode.INVALID_ARGUMENT);
    }
}
