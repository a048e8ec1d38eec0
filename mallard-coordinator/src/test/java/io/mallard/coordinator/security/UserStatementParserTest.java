package io.mallard.coordinator.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.mallard.common.ErrorCode;
import io.mallard.common.MallardException;
import org.junit.jupiter.api.Test;

/** The user statements' grammar, and that a password survives in no text Mallard keeps. */
class UserStatementParserTest {
    @Test
    void readsEveryStatementOfTheGrammar() {
        UserStatement.CreateUser create = (UserStatement.CreateUser) parse("CREATE USER Alice WITH PASSWORD 'it''s secret';");
        assertThat(create.user()).isEqualTo("alice");
        assertThat(new String(create.password())).isEqualTo("it's secret");
        assertThat(parse("create user \"Bob\" password 'x'").user()).as("quoted names keep their case").isEqualTo("Bob");
        assertThat(new String(((UserStatement.AlterPassword) parse("ALTER USER alice WITH PASSWORD 'new'")).password()))
                .isEqualTo("new");
        assertThat(parse("DROP USER IF EXISTS alice")).isEqualTo(new UserStatement.DropUser("alice", true));
        assertThat(parse("DROP USER alice")).isEqualTo(new UserStatement.DropUser("alice", false));
        assertThat(parse("GRANT reader TO alice")).isEqualTo(new UserStatement.GrantRole(Role.READER, "alice"));
        assertThat(parse("REVOKE Writer FROM alice")).isEqualTo(new UserStatement.RevokeRole(Role.WRITER, "alice"));
        assertThat(parse("GRANT SELECT ON events TO alice")).isEqualTo(new UserStatement.GrantSelect("events", "alice"));
        assertThat(parse("GRANT SELECT ON TABLE Events TO alice")).isEqualTo(new UserStatement.GrantSelect("events", "alice"));
        assertThat(parse("REVOKE SELECT ON events FROM alice")).isEqualTo(new UserStatement.RevokeSelect("events", "alice"));
    }

    @Test
    void otherStatementsAreNotUserStatements() {
        for (String sql : new String[] {"SELECT 1", "CREATE TABLE users (x INT)", "SELECT 'GRANT' AS g",
                "ALTER TABLE users ADD COLUMN password VARCHAR", "DROP TABLE users"}) {
            assertThat(UserStatementParser.parse(sql)).as(sql).isEmpty();
            assertThat(UserStatementParser.mask(sql)).as(sql).isEqualTo(sql);
        }
    }

    @Test
    void aMalformedUserStatementIsASyntaxErrorThatDoesNotRepeatIt() {
        for (String sql : new String[] {"CREATE USER alice WITH PASSWORD 'Sekr3t", "CREATE USER a:b WITH PASSWORD 'Sekr3t'",
                "GRANT ALL ON events TO alice", "CREATE USER alice WITH PASSWORD 'Sekr3t' SUPERUSER"}) {
            MallardException e = catchThrowableOfType(MallardException.class, () -> UserStatementParser.parse(sql));
            assertThat(e.code()).as(sql).isIn(ErrorCode.SYNTAX_ERROR, ErrorCode.INVALID_ARGUMENT);
            assertThat(e.getMessage()).doesNotContain("Sekr3t");
        }
        assertThat(catchThrowableOfType(MallardException.class, () -> parse("GRANT superuser TO alice")).code())
                .isEqualTo(ErrorCode.INVALID_ARGUMENT);
        assertThat(catchThrowableOfType(MallardException.class, () -> parse("CREATE USER alice WITH PASSWORD ''")).code())
                .isEqualTo(ErrorCode.INVALID_ARGUMENT);
    }

    @Test
    void masksThePasswordAlsoOfAnUnterminatedLiteral() {
        assertThat(UserStatementParser.mask("CREATE USER alice WITH PASSWORD 'it''s secret'"))
                .isEqualTo("CREATE USER alice WITH PASSWORD '***'");
        assertThat(UserStatementParser.mask("alter user alice password 'open")).isEqualTo("alter user alice password '***'");
        assertThat(UserStatementParser.mask("DROP USER alice")).isEqualTo("DROP USER alice");
        assertThat(UserStatementParser.mask("SELECT 1; /* x */ create user bob with password 'p1'"))
                .as("among other statements").isEqualTo("SELECT 1; /* x */ create user bob with password '***'");
        assertThat(UserStatementParser.mask("Parser Error: syntax error at or near \"USER\"\nLINE 1: SELECT CREATE USER x "
                + "PASSWORD 'p2'")).as("an error quoting the text").doesNotContain("p2");
    }

    @Test
    void leadingCommentsDoNotHideAUserStatement() {
        assertThat(parse("-- set up\n/* the reader */ GRANT reader TO alice"))
                .isEqualTo(new UserStatement.GrantRole(Role.READER, "alice"));
        assertThat(UserStatementParser.mask("/* c */ ALTER USER a WITH PASSWORD 'p3'")).doesNotContain("p3");
    }

    private static UserStatement parse(String sql) {
        return UserStatementParser.parse(sql).orElseThrow();
    }
}
