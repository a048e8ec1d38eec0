package io.mallard.coordinator.server;

import io.mallard.common.ErrorCode;
import io.mallard.common.MallardException;
import io.mallard.common.duck.DuckErrors;
import java.sql.SQLException;

/** Finds the Mallard error inside whatever a handler caught, for the wire. */
public final class ServerErrors {
    private ServerErrors() {
    }

    /**
     * The first {@link MallardException} in the cause chain (DuckDB wraps ours), a translated DuckDB error, OUT_OF_MEMORY
     * when the coordinator's Arrow memory budget ran out, or INTERNAL.
     */
    public static MallardException translate(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof MallardException m) {
                return m;
            }
            if (t instanceof org.apache.arrow.memory.OutOfMemoryException) {
                return new MallardException(ErrorCode.OUT_OF_MEMORY, "the query needs more than the coordinator's memory "
                        + "budget for query data (--memory-bytes): " + t.getMessage(), e);
            }
            if (t instanceof SQLException sql) {
                return DuckErrors.translate(sql);
            }
        }
        return new MallardException(ErrorCode.INTERNAL_ERROR, e.getMessage() == null ? e.toString() : e.getMessage(), e);
    }
}
