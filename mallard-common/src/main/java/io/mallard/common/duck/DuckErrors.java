package io.mallard.common.duck;

import io.mallard.common.ErrorCode;
import io.mallard.common.MallardException;
import java.sql.SQLException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns DuckDB's exceptions into coded Mallard errors. DuckDB's JDBC driver carries no structured error type, but every
 * message starts with DuckDB's own {@code ExceptionType} name ("Catalog Error: ..."), a stable enum rendered as text;
 * that prefix is the only thing read here.
 */
public final class DuckErrors {
    private static final Pattern TYPED = Pattern.compile("^(?:java\\.sql\\.SQLException: )?([A-Za-z ]+) Error: (.*)$", Pattern.DOTALL);

    private DuckErrors() {
    }

    public static MallardException translate(SQLException e) {
        String text = e.getMessage() == null ? e.toString() : e.getMessage().strip();
        Matcher m = TYPED.matcher(text);
        if (!m.matches()) {
            return new MallardException(ErrorCode.EXECUTION_ERROR, text, e);
        }
        String kind = m.group(1).trim();
        String message = m.group(2).strip();
        ErrorCode code = switch (kind) {
            case "Parser" -> ErrorCode.SYNTAX_ERROR;
            case "Catalog" -> ErrorCode.TABLE_NOT_FOUND;
            case "Binder" -> ErrorCode.BINDER_ERROR;
            case "Permission" -> ErrorCode.PERMISSION_DENIED;
            case "Out of Memory" -> ErrorCode.OUT_OF_MEMORY;
            case "INTERRUPT", "Interrupt" -> ErrorCode.QUERY_CANCELLED;
            case "Not implemented" -> ErrorCode.UNSUPPORTED_STATEMENT;
            default -> ErrorCode.EXECUTION_ERROR;
        };
        return new MallardException(code, kind + " Error: " + message, e);
    }
}
