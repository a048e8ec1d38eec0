package io.mallard.coordinator.security;

import io.mallard.common.ErrorCode;
import io.mallard.common.MallardException;
import io.mallard.planner.ast.TableReferences;
import io.mallard.planner.plan.ExplainStatement;
import io.mallard.planner.sql.ParsedSql;
import io.mallard.planner.sql.SqlEngine;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

/**
 * What a user may do, decided from its current role and grants (a role changed with GRANT or REVOKE counts from the
 * user's next statement, whatever token it holds). Every refusal is PERMISSION_DENIED and names the missing right and
 * the tables it concerns. A query's tables are read from DuckDB's parse tree with {@link TableReferences}, so a table
 * reached through a CTE, a sub-query, a join or a set operation is found as well as one in the FROM clause.
 */
public final class AccessControl {
    private final UserStore users;
    private final SqlEngine parser;
    private final Predicate<String> tableExists;

    /**
     * @param parser      DuckDB's parser, to find the tables a query reads
     * @param tableExists whether the catalog has a table of that name now (a grant must name one)
     */
    public AccessControl(UserStore users, SqlEngine parser, Predicate<String> tableExists) {
        this.users = users;
        this.parser = parser;
        this.tableExists = tableExists;
    }

    /** The store of users, roles and grants. */
    public UserStore users() {
        return users;
    }

    /** The user as it is now; AUTHENTICATION_FAILED when it was dropped since it logged in. */
    public MallardUser current(String name) {
        return users.user(name).orElseThrow(() -> new MallardException(ErrorCode.AUTHENTICATION_FAILED,
                "user " + name + " no longer exists"));
    }

    /** Whether {@code name} is an admin now. */
    public boolean isAdmin(String name) {
        return users.user(name).map(u -> u.role() == Role.ADMIN).orElse(false);
    }

    /** Refuses a user whose role does not create, load, change or drop tables; {@code what} names the change. */
    public void requireWriter(String name, String what, String table) {
        MallardUser user = current(name);
        if (!user.role().writes()) {
            throw new MallardException(ErrorCode.PERMISSION_DENIED, what + (table == null ? "" : " on table " + table)
                    + " needs the writer or admin role; " + name + " has " + describe(user));
        }
    }

    /** Refuses a user whose role is not admin; {@code what} names the right. */
    public void requireAdmin(String name, String what) {
        MallardUser user = current(name);
        if (user.role() != Role.ADMIN) {
            throw new MallardException(ErrorCode.PERMISSION_DENIED, what + " needs the admin role; " + name + " has "
                    + describe(user));
        }
    }

    /** Refuses a user who may not read {@code table} (DESCRIBE). */
    public void requireRead(String name, String table) {
        MallardUser user = current(name);
        if (!user.mayRead(table)) {
            throw denied(user, List.of(table), -1);
        }
    }

    /** The statement with {@code current_user}, {@code session_user} and {@code current_role} as the caller's. */
    public String withSessionUser(String name, String sql) {
        MallardUser user = current(name);
        return io.mallard.planner.sql.SessionUser.substitute(sql, name,
                user.role() == Role.NONE ? "none" : user.role().sqlName(), parser);
    }

    /**
     * Refuses a query that reads a table the user may not read, naming every such table and pointing at the first. A
     * user whose role reads every table costs no parse; a statement that does not parse is left to the regular path,
     * which reports what is wrong with it.
     */
    public void requireReadable(String name, String sql) {
        MallardUser user = current(name);
        if (user.role().readsAll()) {
            return;
        }
        String query = ExplainStatement.target(sql).or(() -> ExplainStatement.analyzeTarget(sql)).orElse(sql);
        ParsedSql parsed = parser.parse(query);
        if (parsed.failed()) {
            return;
        }
        Set<String> refused = new LinkedHashSet<>();
        int[] position = {-1};
        parsed.statements().forEach(statement -> TableReferences.forEach(statement, (ref, cte) -> {
            String database = ref.node().path("catalog_name").asText("");
            // the planner reads t, main.t and mallard.main.t alike (StatementBinder)
            boolean catalogTable = ref.isBaseTable() && !cte
                    && (database.isEmpty() || database.equalsIgnoreCase(io.mallard.planner.plan.DistributedPlanner.DATABASE))
                    && (ref.schema().isEmpty() || ref.schema().equalsIgnoreCase("main"));
            if (catalogTable && !user.mayRead(ref.tableName())) {
                refused.add(ref.tableName().toLowerCase(Locale.ROOT));
                if (position[0] < 0 && ref.node().path("query_location").canConvertToInt()) {
                    position[0] = ref.node().path("query_location").asInt() + Math.max(0, sql.lastIndexOf(query));
                }
            }
        }));
        if (!refused.isEmpty()) {
            throw denied(user, new ArrayList<>(refused), position[0]);
        }
    }

    /**
     * Runs a user statement for {@code caller}: admins run every one, anybody may change their own password. Returns
     * the users or grants it changed (0 or 1).
     */
    public long execute(String caller, UserStatement statement) {
        boolean ownPassword = statement instanceof UserStatement.AlterPassword && statement.user().equals(caller);
        if (!ownPassword) {
            requireAdmin(caller, managing(statement));
        }
        if (statement instanceof UserStatement.CreateUser s) {
            users.create(s.user(), s.password());
        } else if (statement instanceof UserStatement.AlterPassword s) {
            users.changePassword(s.user(), s.password());
        } else if (statement instanceof UserStatement.DropUser s) {
            if (s.user().equals(caller)) {
                throw new MallardException(ErrorCode.INVALID_ARGUMENT, "a user cannot drop itself");
            }
            return users.drop(s.user(), s.ifExists()) ? 1 : 0;
        } else if (statement instanceof UserStatement.GrantRole s) {
            users.setRole(s.user(), s.role());
        } else if (statement instanceof UserStatement.RevokeRole s) {
            if (users.require(s.user()).role() != s.role()) {
                return 0; // as PostgreSQL: revoking a role the user does not hold changes nothing
            }
            users.setRole(s.user(), Role.NONE);
        } else if (statement instanceof UserStatement.GrantSelect s) {
            if (!tableExists.test(s.table())) {
                throw new MallardException(ErrorCode.TABLE_NOT_FOUND, "no table " + s.table() + " to grant SELECT on");
            }
            users.grantSelect(s.user(), s.table());
        } else if (statement instanceof UserStatement.RevokeSelect s) {
            return users.revokeSelect(s.user(), s.table()) ? 1 : 0;
        }
        return 1;
    }

    private static String managing(UserStatement statement) {
        if (statement instanceof UserStatement.CreateUser) {
            return "CREATE USER";
        } else if (statement instanceof UserStatement.AlterPassword) {
            return "ALTER USER (another user's password)";
        } else if (statement instanceof UserStatement.DropUser) {
            return "DROP USER";
        } else if (statement instanceof UserStatement.GrantRole || statement instanceof UserStatement.GrantSelect) {
            return "GRANT";
        }
        return "REVOKE";
    }

    private static MallardException denied(MallardUser user, List<String> tables, int position) {
        return new MallardException(ErrorCode.PERMISSION_DENIED, "SELECT on table" + (tables.size() > 1 ? "s " : " ")
                + String.join(", ", tables) + " is not granted to " + user.name() + " (" + describe(user)
                + "; an admin grants it with GRANT SELECT ON " + tables.get(0) + " TO " + user.name() + ")",
                position, null);
    }

    private static String describe(MallardUser user) {
        return user.role() == Role.NONE ? "no role" : "the " + user.role().sqlName() + " role";
    }

    /** The user's role name as tokens and system tables show it. */
    public Optional<String> roleOf(String name) {
        return users.user(name).map(u -> u.role().sqlName());
    }
}
