package io.mallard.coordinator.server;

import io.mallard.common.ErrorCode;
import io.mallard.common.MallardException;
import io.mallard.common.duck.DuckErrors;
import java.sql.SQLException;

/** Finds the Mallard error inside whatever a handler caught, for the wire. */
public final class ServerErrors {
    private ServerErrors() {
    }

    /** The first {@link MallardException} in the cause chain (DuckDB wraps ours), a translated DuckDB error, or INTERNAL. */
    public static MallardException translate(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof MallardException m) {
                return m;
            }
            if (t instanceof SQLException sql) {
                return DuckErrors.translate(sql);
            }
        }
        return new MallardException(ErrorCode.INTERNAL_ERROR, e.getMessage() == null ? e.toString() : e.getMessage(), e);
    }
}
