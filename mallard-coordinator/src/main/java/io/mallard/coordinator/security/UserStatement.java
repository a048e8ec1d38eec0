package io.mallard.coordinator.security;

/** The statements that manage users, roles and grants, as {@link UserStatementParser} reads them. */
public sealed interface UserStatement {
    /** The user the statement is about. */
    String user();

    /** {@code CREATE USER name WITH PASSWORD '…'}: a user with no role, reading only what is granted to it. */
    record CreateUser(String user, char[] password) implements UserStatement {
    }

    /** {@code ALTER USER name WITH PASSWORD '…'}: also revokes the user's tokens. */
    record AlterPassword(String user, char[] password) implements UserStatement {
    }

    /** {@code DROP USER [IF EXISTS] name}: also revokes the user's tokens. */
    record DropUser(String user, boolean ifExists) implements UserStatement {
    }

    /** {@code GRANT role TO name}: the user's role becomes {@code role}. */
    record GrantRole(Role role, String user) implements UserStatement {
    }

    /** {@code REVOKE role FROM name}: a user holding {@code role} is left with none. */
    record RevokeRole(Role role, String user) implements UserStatement {
    }

    /** {@code GRANT SELECT ON [TABLE] table TO name}. */
    record GrantSelect(String table, String user) implements UserStatement {
    }

    /** {@code REVOKE SELECT ON [TABLE] table FROM name}. */
    record RevokeSelect(String table, String user) implements UserStatement {
    }
}
