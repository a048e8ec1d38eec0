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
    /** Space and comments before the statement's first keyword. */
    private static final String LEAD = "^(?:\\s|--[^\\n]*(?:\\n|$)|/\\*.*?\\*/)*";
    private static final int FLAGS = Pattern.CASE_INSENSITIVE | Pattern.DOTALL;
    /** Text that may hold a user statement somewhere (after comments, among other statements): masked wherever kept. */
    private static final Pattern MENTIONS_USER = Pattern.compile(".*\\b(?:CREATE|ALTER)\\s+USER\\b.*", FLAGS);
    private static final Pattern LOOKS_LIKE = Pattern.compile(
            LEAD + "(?:(?:CREATE|ALTER|DROP)\\s+USER\\b|GRANT\\b|REVOKE\\b).*", FLAGS);
    private static final Pattern CREATE = Pattern.compile(
            LEAD + "CREATE\\s+USER\\s+" + NAME + "\\s+(?:WITH\\s+)?PASSWORD\\s+" + PASSWORD + END, FLAGS);
    private static final Pattern ALTER = Pattern.compile(
            LEAD + "ALTER\\s+USER\\s+" + NAME + "\\s+(?:WITH\\s+)?PASSWORD\\s+" + PASSWORD + END, FLAGS);
    private static final Pattern DROP = Pattern.compile(LEAD + "DROP\\s+USER\\s+(IF\\s+EXISTS\\s+)?" + NAME + END, FLAGS);
    private static final Pattern GRANT_SELECT = Pattern.compile(
            LEAD + "GRANT\\s+SELECT\\s+ON\\s+(?:TABLE\\s+)?" + NAME + "\\s+TO\\s+" + NAME + END, FLAGS);
    private static final Pattern REVOKE_SELECT = Pattern.compile(
            LEAD + "REVOKE\\s+SELECT\\s+ON\\s+(?:TABLE\\s+)?" + NAME + "\\s+FROM\\s+" + NAME + END, FLAGS);
    private static final Pattern GRANT_ROLE = Pattern.compile(LEAD + "GRANT\\s+" + NAME + "\\s+TO\\s+" + NAME + END, FLAGS);
    private static final Pattern REVOKE_ROLE = Pattern.compile(
            LEAD + "REVOKE\\s+" + NAME + "\\s+FROM\\s+" + NAME + END, FLAGS);
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

    /**
     * {@code text} (a statement, or an error message that quotes one) with the password of any {@code CREATE USER} or
     * {@code ALTER USER} in it replaced by {@code '***'}; any other text as it is.
     */
    public static String mask(String text) {
        if (text == null || !MENTIONS_USER.matcher(text).matches()) {
            return text;
        }
        return PASSWORD_LITERAL.matcher(text).replaceAll("$1'***'");
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
