package io.mallard.common.duck;

import io.mallard.common.MallardException;
import java.sql.SQLException;

/**
 * Turns DuckDB's exceptions into coded Mallard errors by the kind DuckDB gives them ({@link DuckError}), through the
 * one table {@link DuckErrorCodes}. The message stays DuckDB's, led by its kind ("Binder Error: …").
 */
public final class DuckErrors {
    private DuckErrors() {
    }

    public static MallardException translate(SQLException e) {
        DuckError error = DuckError.read(e);
        return new MallardException(DuckErrorCodes.codeOf(error), error.message(), e);
    }

    /**
     * Whether {@code e} says that DuckDB has invalidated the database it came from: after an internal error of its
     * own, DuckDB fails every later statement on that database, so it must be replaced.
     */
    public static boolean invalidated(SQLException e) {
        String message = e.getMessage();
        return message != null && message.contains("database has been invalidated");
    }
}
