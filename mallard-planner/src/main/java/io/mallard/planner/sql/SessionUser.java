package io.mallard.planner.sql;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mallard.planner.ast.Ast;
import io.mallard.planner.ast.ColumnRef;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * {@code current_user}, {@code session_user} and {@code current_role} name the logged-in Mallard user and role, not
 * the DuckDB process ({@code 'duckdb'} in every database of the cluster). They are written into the statement as
 * literals, at the positions DuckDB's parser gives, before the statement is described, checked or planned: the value
 * is then the same on the coordinator and on every worker, and a plan cached by text is one user's. A name written in
 * the select list keeps its column name ({@code 'alice' AS "current_user"}); inside an expression the literal shows in
 * the column's name, as any constant would. {@code user} is left alone: tables have columns called that; a column
 * named {@code current_user} is read as {@code t.current_user}.
 */
public final class SessionUser {
    private static final Set<String> USER = Set.of("current_user", "session_user");
    private static final String ROLE = "current_role";
    private static final Pattern MENTIONS = Pattern.compile("(?i)\\b(current_user|session_user|current_role)\\b");

    private SessionUser() {
    }

    /** The statement with the session's names spelled out; the text itself when it names none of them. */
    public static String substitute(String sql, String user, String role, SqlEngine parser) {
        if (!MENTIONS.matcher(sql).find()) {
            return sql;
        }
        ParsedSql parsed = parser.parse(sql);
        if (parsed.failed() || parsed.statements().size() != 1) {
            return sql; // the statement's own error follows where it is planned
        }
        ObjectNode root = parsed.statements().get(0);
        Map<JsonNode, Boolean> selected = new IdentityHashMap<>();
        root.path("select_list").forEach(item -> selected.put(item, item.path("alias").asText("").isEmpty()));
        List<int[]> spans = new ArrayList<>();
        List<String> texts = new ArrayList<>();
        Ast.forEachExpression(root, e -> ColumnRef.of(e).filter(c -> c.names().size() == 1).ifPresent(column -> {
            String name = column.column().toLowerCase(Locale.ROOT);
            if (!USER.contains(name) && !name.equals(ROLE) || !e.path("query_location").canConvertToInt()) {
                return;
            }
            String literal = "'" + (name.equals(ROLE) ? role : user).replace("'", "''") + "'";
            spans.add(new int[] {e.path("query_location").asInt(), e.path("query_location_length").asInt()});
            texts.add(Boolean.TRUE.equals(selected.get(e)) ? literal + " AS \"" + name + "\"" : literal);
        }));
        byte[] bytes = sql.getBytes(StandardCharsets.UTF_8); // DuckDB's positions count bytes
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < spans.size(); i++) {
            order.add(i);
        }
        order.sort(Comparator.comparingInt((Integer i) -> spans.get(i)[0]).reversed());
        String out = sql;
        byte[] current = bytes;
        for (int i : order) {
            int start = spans.get(i)[0];
            int end = start + spans.get(i)[1];
            if (start < 0 || end > current.length) {
                return sql;
            }
            byte[] replacement = texts.get(i).getBytes(StandardCharsets.UTF_8);
            byte[] next = new byte[current.length - (end - start) + replacement.length];
            System.arraycopy(current, 0, next, 0, start);
            System.arraycopy(replacement, 0, next, start, replacement.length);
            System.arraycopy(current, end, next, start + replacement.length, current.length - end);
            current = next;
            out = new String(current, StandardCharsets.UTF_8);
        }
        return out;
    }
}
