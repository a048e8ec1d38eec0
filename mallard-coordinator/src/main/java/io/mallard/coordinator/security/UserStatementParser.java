package io.mallard.coordinator.security;

import io.mallard.common.ErrorCode;
import io.mallard.common.MallardException;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the user statements ({@link UserStatement}); DuckDB has no such statements, so they never reach its parser. A
 * statement that starts like one ({@code CREATE USER}, {@code ALTER USER}, {@code DROP USER}, {@code GRANT},
 * {@code REVOKE}) but does not follow the grammar is a SYNTAX_ERROR whose message never repeats the statement, which may
 * hold a password. {@link #mask} hides the password of such a statement wherever its text is kept (history, logs).
 */
public final class UserStatementParser {
    private static final String NAME = "([A-Za-z_][A-Za-z0-9_.@-]{0,62}|\"[^\":]{1,63}\")";
    private static final String PASSWORD = "'((?:[^']|'')*)'";
    private static final String END = "\\s*;?\\s*$";
    private static final int FLAGS = Pattern.CASE_INSENSITIVE | Pattern.DOTALL;
    private static final Pattern LOOKS_LIKE = Pattern.compile(
            "^\\s*(?:(?:CREATE|ALTER|DROP)\\s+USER\\b|GRANT\\b|REVOKE\\b).*", FLAGS);
    private static final Pattern CREATE = Pattern.compile(
            "^\\s*CREATE\\s+USER\\s+" + NAME + "\\s+(?:WITH\\s+)?PASSWORD\\s+" + PASSWORD + END, FLAGS);
    private static final Pattern ALTER = Pattern.compile(
            "^\\s*ALTER\\s+USER\\s+" + NAME + "\\s+(?:WITH\\s+)?PASSWORD\\s+" + PASSWORD + END, FLAGS);
    private static final Pattern DROP = Pattern.compile("^\\s*DROP\\s+USER\\s+(IF\\s+EXISTS\\s+)?" + NAME + END, FLAGS);
    private static final Pattern GRANT_SELECT = Pattern.compile(
            "^\\s*GRANT\\s+SELECT\\s+ON\\s+(?:TABLE\\s+)?" + NAME + "\\s+TO\\s+" + NAME + END, FLAGS);
    private static final Pattern REVOKE_SELECT = Pattern.compile(
            "^\\s*REVOKE\\s+SELECT\\s+ON\\s+(?:TABLE\\s+)?" + NAME + "\\s+FROM\\s+" + NAME + END, FLAGS);
    private static final Pattern GRANT_ROLE = Pattern.compile("^\\s*GRANT\\s+" + NAME + "\\s+TO\\s+" + NAME + END, FLAGS);
    private static final Pattern REVOKE_ROLE = Pattern.compile(
            "^\\s*REVOKE\\s+" + NAME + "\\s+FROM\\s+" + NAME + END, FLAGS);
    /** A password literal, also an unterminated one (it runs to the end of the text). */
    private static final Pattern PASSWORD_LITERAL = Pattern.compile("(\\bPASSWORD\\s+)'(?:[^']|'')*'?", FLAGS);

    private UserStatementParser() {
    }

    /** Whether {@code sql} is (or starts like) a user statement. */
    public static boolean looksLikeUserStatement(String sql) {
        return LOOKS_LIKE.matcher(sql).matches();
    }

    /**
     * The user statement {@code sql} is; empty when it does not start like one. Fails with SYNTAX_ERROR (the message
     * names the grammar, never the text) when it starts like one but does not follow the grammar.
     */
    public static Optional<UserStatement> parse(String sql) {
        if (!looksLikeUserStatement(sql)) {
            return Optional.empty();
        }
        Matcher m;
        if ((m = CREATE.matcher(sql)).matches()) {
            return Optional.of(new UserStatement.CreateUser(name(m.group(1)), password(m.group(2))));
        }
        if ((m = ALTER.matcher(sql)).matches()) {
            return Optional.of(new UserStatement.AlterPassword(name(m.group(1)), password(m.group(2))));
        }
        if ((m = DROP.matcher(sql)).matches()) {
            return Optional.of(new UserStatement.DropUser(name(m.group(2)), m.group(1) != null));
        }
        if ((m = GRANT_SELECT.matcher(sql)).matches()) {
            return Optional.of(new UserStatement.GrantSelect(name(m.group(1)), name(m.group(2))));
        }
        if ((m = REVOKE_SELECT.matcher(sql)).matches()) {
            return Optional.of(new UserStatement.RevokeSelect(name(m.group(1)), name(m.group(2))));
        }
        if ((m = GRANT_ROLE.matcher(sql)).matches()) {
            return Optional.of(new UserStatement.GrantRole(grantable(m.group(1)), name(m.group(2))));
        }
        if ((m = REVOKE_ROLE.matcher(sql)).matches()) {
            return Optional.of(new UserStatement.RevokeRole(grantable(m.group(1)), name(m.group(2))));
        }
        throw new MallardException(ErrorCode.SYNTAX_ERROR, "not a user statement Mallard knows; it knows "
                + "CREATE USER name WITH PASSWORD '…', ALTER USER name WITH PASSWORD '…', DROP USER name, "
                + "GRANT admin|writer|reader TO name, REVOKE admin|writer|reader FROM name, "
                + "GRANT SELECT ON table TO name and REVOKE SELECT ON table FROM name", 0, null);
    }

    /** {@code sql} with the password of a user statement replaced by {@code '***'}; any other statement as it is. */
    public static String mask(String sql) {
        if (sql == null || !looksLikeUserStatement(sql)) {
            return sql;
        }
        return PASSWORD_LITERAL.matcher(sql).replaceAll("$1'***'");
    }

    private static Role grantable(String name) {
        Role role = Role.of(unquote(name));
        if (role == Role.NONE) {
            throw new MallardException(ErrorCode.INVALID_ARGUMENT, "'none' is no role to grant; REVOKE the user's role");
        }
        return role;
    }

    /** Names are case-insensitive unless quoted, as in SQL: unquoted names are kept in lower case. */
    private static String name(String text) {
        return text.startsWith("\"") ? unquote(text) : text.toLowerCase(Locale.ROOT);
    }

    private static String unquote(String text) {
        return text.startsWith("\"") ? text.substring(1, text.length() - 1) : text;
    }

    private static char[] password(String literal) {
        String value = literal.replace("''", "'");
        if (value.isEmpty()) {
            throw new MallardException(ErrorCode.INVALID_ARGUMENT, "a password must not be empty");
        }
        return value.toCharArray();
    }
}
