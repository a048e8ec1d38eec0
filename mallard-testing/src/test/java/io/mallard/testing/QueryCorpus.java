package io.mallard.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The query corpus in {@code src/test/resources/corpus}: one file per theme, each a sequence of queries introduced by
 * a {@code -- name: <name>} line. Lines of the form {@code -- disabled: <reason>} before a query's text mark it as
 * known to fail; other {@code --} lines are comments. The query runs from the line after its header to the next
 * header, without the trailing semicolon.
 */
final class QueryCorpus {
    /** The theme files, in the order the test runs them. */
    static final List<String> THEMES = List.of("dialect", "aggregates", "holistic", "distinct", "grouping", "windows",
            "values", "types", "scans", "joins", "subqueries", "setops", "rules");

    private static final String NAME = "-- name:";
    private static final String DISABLED = "-- disabled:";

    /**
     * One query of the corpus.
     *
     * @param theme    the file it comes from, without {@code .sql}
     * @param name     unique within the corpus
     * @param sql      the statement, without trailing semicolon
     * @param disabled why the query is known to fail, if it is
     */
    record Query(String theme, String name, String sql, Optional<String> disabled) {
        /** @return {@code theme/name}, how failures and the strategy table name the query */
        String id() {
            return theme + "/" + name;
        }
    }

    private QueryCorpus() {
    }

    /** Every query of every theme; fails on a duplicate name or an empty query. */
    static List<Query> all() {
        List<Query> out = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (String theme : THEMES) {
            for (Query q : parse(theme, read(theme))) {
                if (!names.add(q.name())) {
                    throw new IllegalStateException("duplicate corpus query name " + q.name() + " in " + theme + ".sql");
                }
                out.add(q);
            }
        }
        return out;
    }

    static List<Query> parse(String theme, String text) {
        List<Query> out = new ArrayList<>();
        String name = null;
        String disabled = null;
        StringBuilder sql = new StringBuilder();
        for (String line : (text + "\n" + NAME + " \n").split("\n", -1)) {
            String trimmed = line.strip();
            if (trimmed.startsWith(NAME)) {
                if (name != null) {
                    out.add(query(theme, name, sql, disabled));
                } else if (!sql.toString().isBlank()) {
                    throw new IllegalStateException(theme + ".sql: text before the first " + NAME + " line");
                }
                name = trimmed.substring(NAME.length()).strip();
                disabled = null;
                sql.setLength(0);
            } else if (trimmed.startsWith(DISABLED)) {
                disabled = trimmed.substring(DISABLED.length()).strip();
            } else if (!trimmed.startsWith("--")) {
                sql.append(line).append('\n');
            }
        }
        return out;
    }

    private static Query query(String theme, String name, StringBuilder text, String disabled) {
        String sql = text.toString().strip();
        if (sql.endsWith(";")) {
            sql = sql.substring(0, sql.length() - 1).strip();
        }
        if (name.isEmpty() || sql.isEmpty()) {
            throw new IllegalStateException(theme + ".sql: query '" + name + "' must have a name and a statement");
        }
        return new Query(theme, name, sql, Optional.ofNullable(disabled));
    }

    private static String read(String theme) {
        String resource = "/corpus/" + theme + ".sql";
        try (InputStream in = QueryCorpus.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing corpus file " + resource);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
