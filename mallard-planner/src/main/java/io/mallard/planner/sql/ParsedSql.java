package io.mallard.planner.sql;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Optional;

/**
 * DuckDB's parse of a SQL text ({@code json_serialize_sql}): one tree per statement, or the reason it could not
 * serialize the text (a syntax error, or a statement that is not a SELECT).
 *
 * @param statements the statements' nodes (empty when the parse failed)
 * @param error      why the parse failed, if it did
 */
public record ParsedSql(List<ObjectNode> statements, Optional<Error> error) {
    /**
     * DuckDB's parse error.
     *
     * @param type     DuckDB's error type ("parser", or "" for a statement it cannot serialize)
     * @param message  DuckDB's message
     * @param position where in the text, or -1
     */
    public record Error(String type, String message, int position) {
    }

    public ParsedSql {
        statements = List.copyOf(statements);
    }

    public boolean failed() {
        return error.isPresent();
    }
}
