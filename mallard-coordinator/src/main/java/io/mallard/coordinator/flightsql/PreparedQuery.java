package io.mallard.coordinator.flightsql;

import java.util.List;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * A prepared statement of one session: the SQL as the client sent it, its parameters' DuckDB types and Arrow schema,
 * the result schema, and the SQL with the last bound parameter values (the statement itself when it has none).
 */
final class PreparedQuery {
    final String handle;
    final String sql;
    final List<String> parameterTypes;
    final Schema parameterSchema;
    final Schema resultSchema;
    private volatile String boundSql;

    PreparedQuery(String handle, String sql, List<String> parameterTypes, Schema parameterSchema, Schema resultSchema) {
        this.handle = handle;
        this.sql = sql;
        this.parameterTypes = List.copyOf(parameterTypes);
        this.parameterSchema = parameterSchema;
        this.resultSchema = resultSchema;
        this.boundSql = parameterTypes.isEmpty() ? sql : null;
    }

    void bind(String sql) {
        this.boundSql = sql;
    }

    /** The statement to run; fails until every parameter has a value. */
    String boundSql() {
        if (boundSql == null) {
            throw new io.mallard.common.MallardException(io.mallard.common.ErrorCode.INVALID_ARGUMENT,
                    "the prepared statement has " + parameterTypes.size() + " parameter(s) and none were bound");
        }
        return boundSql;
    }
}
