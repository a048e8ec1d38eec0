package io.mallard.coordinator.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.mallard.common.ErrorCode;
import io.mallard.common.MallardException;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Roles include the ones below them; table grants add reads to a user without a role. */
class RoleTest {
    @Test
    void rolesAndTheirRights() {
        assertThat(Role.ADMIN.writes()).isTrue();
        assertThat(Role.WRITER.writes()).isTrue();
        assertThat(Role.READER.writes()).isFalse();
        assertThat(Role.READER.readsAll()).isTrue();
        assertThat(Role.NONE.readsAll()).isFalse();
        assertThat(Role.of("readonly")).as("credentials files of before").isEqualTo(Role.READER);
        assertThat(Role.of("user")).isEqualTo(Role.WRITER);
        assertThat(catchThrowableOfType(MallardException.class, () -> Role.of("root")).code())
                .isEqualTo(ErrorCode.INVALID_ARGUMENT);
    }

    @Test
    void aUserWithoutARoleReadsOnlyItsGrants() {
        MallardUser gina = new MallardUser("gina", Role.NONE, "hash", "gen", Set.of("events"));
        assertThat(gina.mayRead("Events")).isTrue();
        assertThat(gina.mayRead("secret")).isFalse();
        assertThat(new MallardUser("rita", Role.READER, "hash", "gen", Set.of()).mayRead("secret")).isTrue();
        assertThat(gina.toString()).doesNotContain("hash");
    }
}
