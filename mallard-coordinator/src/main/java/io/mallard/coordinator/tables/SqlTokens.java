package io.mallard.coordinator.tables;

import io.mallard.common.ErrorCode;
import io.mallard.common.MallardException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The tokens of a statement, with their positions, enough to find the parts of the table statements DuckDB's JSON
 * serializer does not take (CREATE, INSERT, DELETE, UPDATE, ALTER…): words, quoted identifiers, string literals,
 * numbers and punctuation; comments and white space are skipped. The parts themselves (queries, expressions, types)
 * stay text and go to DuckDB, which checks them.
 */
final class SqlTokens {
    enum Kind { WORD, QUOTED, STRING, NUMBER, SYMBOL }

    /** A token and where it starts and ends in the statement. */
    record Token(Kind kind, String text, int start, int end) {
        /** The keyword or identifier as written, unquoted for a quoted identifier. */
        String value() {
            return kind == Kind.QUOTED ? text.substring(1, text.length() - 1).replace("\"\"", "\"") : text;
        }

        boolean is(String keyword) {
            return kind == Kind.WORD && text.equalsIgnoreCase(keyword);
        }

        boolean isSymbol(String symbol) {
            return kind == Kind.SYMBOL && text.equals(symbol);
        }

        boolean isName() {
            return kind == Kind.WORD || kind == Kind.QUOTED;
        }
    }

    private final String sql;
    private final List<Token> tokens;
    private int next;

    private SqlTokens(String sql, List<Token> tokens) {
        this.sql = sql;
        this.tokens = tokens;
    }

    static SqlTokens of(String sql) {
        List<Token> tokens = new ArrayList<>();
        int i = 0;
        int n = sql.length();
        while (i < n) {
            char c = sql.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
            } else if (c == '-' && i + 1 < n && sql.charAt(i + 1) == '-') {
                while (i < n && sql.charAt(i) != '\n') {
                    i++;
                }
            } else if (c == '/' && i + 1 < n && sql.charAt(i + 1) == '*') {
                int close = sql.indexOf("*/", i + 2);
                i = close < 0 ? n : close + 2;
            } else if (c == '\'' || c == '"') {
                int start = i++;
                while (true) {
                    if (i >= n) {
                        throw new MallardException(ErrorCode.SYNTAX_ERROR, "unterminated " + (c == '"' ? "quoted name"
                                : "string") + " starting here", start, null);
                    }
                    if (sql.charAt(i) == c) {
                        if (i + 1 < n && sql.charAt(i + 1) == c) {
                            i += 2;
                            continue;
                        }
                        i++;
                        break;
                    }
                    i++;
                }
                tokens.add(new Token(c == '"' ? Kind.QUOTED : Kind.STRING, sql.substring(start, i), start, i));
            } else if (Character.isLetter(c) || c == '_') {
                int start = i;
                while (i < n && (Character.isLetterOrDigit(sql.charAt(i)) || sql.charAt(i) == '_' || sql.charAt(i) == '$')) {
                    i++;
                }
                tokens.add(new Token(Kind.WORD, sql.substring(start, i), start, i));
            } else if (Character.isDigit(c)) {
                int start = i;
                while (i < n && (Character.isLetterOrDigit(sql.charAt(i)) || sql.charAt(i) == '.')) {
                    i++;
                }
                tokens.add(new Token(Kind.NUMBER, sql.substring(start, i), start, i));
            } else {
                tokens.add(new Token(Kind.SYMBOL, String.valueOf(c), i, i + 1));
                i++;
            }
        }
        // a trailing semicolon ends the statement; it is not part of any clause
        if (!tokens.isEmpty() && tokens.get(tokens.size() - 1).isSymbol(";")) {
            tokens.remove(tokens.size() - 1);
        }
        return new SqlTokens(sql, tokens);
    }

    String sql() {
        return sql;
    }

    boolean atEnd() {
        return next >= tokens.size();
    }

    Token peek() {
        return atEnd() ? null : tokens.get(next);
    }

    Token peek(int ahead) {
        return next + ahead < tokens.size() ? tokens.get(next + ahead) : null;
    }

    /** Consumes and returns the next token. */
    Token advance() {
        Token t = peek();
        if (t == null) {
            throw error("unexpected end");
        }
        next++;
        return t;
    }

    /** Whether the next tokens are these keywords; consumes them if so. */
    boolean accept(String... keywords) {
        for (int k = 0; k < keywords.length; k++) {
            Token t = peek(k);
            if (t == null || !t.is(keywords[k])) {
                return false;
            }
        }
        next += keywords.length;
        return true;
    }

    boolean acceptSymbol(String symbol) {
        Token t = peek();
        if (t != null && t.isSymbol(symbol)) {
            next++;
            return true;
        }
        return false;
    }

    void expect(String keyword) {
        if (!accept(keyword)) {
            throw error("expected " + keyword.toUpperCase(Locale.ROOT));
        }
    }

    void expectSymbol(String symbol) {
        if (!acceptSymbol(symbol)) {
            throw error("expected '" + symbol + "'");
        }
    }

    /** A table or column name, possibly quoted; a dotted name keeps its last part (Mallard has one schema). */
    String name(String what) {
        Token t = peek();
        if (t == null || !t.isName()) {
            throw error("expected " + what);
        }
        next++;
        String name = t.value();
        while (acceptSymbol(".")) {
            Token part = peek();
            if (part == null || !part.isName()) {
                throw error("expected " + what + " after '.'");
            }
            next++;
            name = part.value();
        }
        return name;
    }

    /** A parenthesised, comma-separated list of names. */
    List<String> nameList(String what) {
        expectSymbol("(");
        List<String> names = new ArrayList<>();
        do {
            names.add(name(what));
        } while (acceptSymbol(","));
        expectSymbol(")");
        return names;
    }

    /** Where the next token starts (the statement's length at its end). */
    int position() {
        return atEnd() ? sql.length() : peek().start();
    }

    /** The text from the next token to the end of the statement (without a trailing semicolon). */
    String rest() {
        if (atEnd()) {
            return "";
        }
        String text = sql.substring(peek().start(), tokens.get(tokens.size() - 1).end());
        next = tokens.size();
        return text;
    }

    /**
     * The text from the next token up to (not including) the first of {@code keywords} at parenthesis depth 0, which is
     * left to be read; to the end when none follows.
     */
    String until(String... keywords) {
        if (atEnd()) {
            return "";
        }
        int start = peek().start();
        int depth = 0;
        int end = start;
        while (!atEnd()) {
            Token t = peek();
            if (t.isSymbol("(")) {
                depth++;
            } else if (t.isSymbol(")")) {
                depth--;
            } else if (depth == 0) {
                for (String k : keywords) {
                    if (t.is(k)) {
                        return sql.substring(start, end);
                    }
                }
            }
            end = t.end();
            next++;
        }
        return sql.substring(start, end);
    }

    /** A SYNTAX_ERROR pointing at the next token (or the end). */
    MallardException error(String message) {
        Token t = peek();
        String near = t == null ? "at the end of the statement" : "at or near \"" + t.text() + "\"";
        return new MallardException(ErrorCode.SYNTAX_ERROR, message + " " + near, position(), null);
    }
}
