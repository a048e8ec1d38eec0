package io.mallard.coordinator.flightsql;

import java.sql.Types;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** The SQL types Mallard returns (DuckDB's), described for {@code GetXdbcTypeInfo} / JDBC {@code getTypeInfo}. */
final class XdbcTypes {
    private record TypeRow(String name, int sqlType, Integer columnSize, String prefix, String suffix, List<String> params,
            boolean caseSensitive, Boolean unsigned, Integer minScale, Integer maxScale, Integer radix) {
    }

    private static final List<TypeRow> TYPES = List.of(
            new TypeRow("BOOLEAN", Types.BOOLEAN, 1, null, null, null, false, null, null, null, null),
            new TypeRow("TINYINT", Types.TINYINT, 3, null, null, null, false, false, 0, 0, 10),
            new TypeRow("SMALLINT", Types.SMALLINT, 5, null, null, null, false, false, 0, 0, 10),
            new TypeRow("INTEGER", Types.INTEGER, 10, null, null, null, false, false, 0, 0, 10),
            new TypeRow("BIGINT", Types.BIGINT, 19, null, null, null, false, false, 0, 0, 10),
            new TypeRow("HUGEINT", Types.NUMERIC, 38, null, null, null, false, false, 0, 0, 10),
            new TypeRow("FLOAT", Types.REAL, 24, null, null, null, false, false, null, null, 2),
            new TypeRow("DOUBLE", Types.DOUBLE, 53, null, null, null, false, false, null, null, 2),
            new TypeRow("DECIMAL", Types.DECIMAL, 38, null, null, List.of("precision", "scale"), false, false, 0, 38, 10),
            new TypeRow("VARCHAR", Types.VARCHAR, Integer.MAX_VALUE, "'", "'", null, true, null, null, null, null),
            new TypeRow("BLOB", Types.VARBINARY, Integer.MAX_VALUE, "'", "'", null, false, null, null, null, null),
            new TypeRow("DATE", Types.DATE, 10, "DATE '", "'", null, false, null, null, null, null),
            new TypeRow("TIME", Types.TIME, 15, "TIME '", "'", null, false, null, 0, 6, null),
            new TypeRow("TIMESTAMP", Types.TIMESTAMP, 26, "TIMESTAMP '", "'", null, false, null, 0, 6, null),
            new TypeRow("TIMESTAMP WITH TIME ZONE", Types.TIMESTAMP_WITH_TIMEZONE, 32, "TIMESTAMPTZ '", "'", null, false,
                    null, 0, 6, null),
            new TypeRow("INTERVAL", Types.OTHER, null, "INTERVAL '", "'", null, false, null, null, null, null),
            new TypeRow("LIST", Types.ARRAY, null, null, null, null, false, null, null, null, null),
            new TypeRow("STRUCT", Types.STRUCT, null, null, null, null, false, null, null, null, null));

    private XdbcTypes() {
    }

    /** Rows of {@code FlightSqlProducer.Schemas.GET_TYPE_INFO_SCHEMA}, optionally only those of one java.sql.Types code. */
    static List<List<Object>> rows(Integer dataType) {
        List<List<Object>> rows = new ArrayList<>();
        for (TypeRow t : TYPES) {
            if (dataType != null && t.sqlType() != dataType) {
                continue;
            }
            rows.add(Arrays.asList(t.name(), t.sqlType(), t.columnSize(), t.prefix(), t.suffix(), t.params(),
                    java.sql.DatabaseMetaData.typeNullable, t.caseSensitive(), java.sql.DatabaseMetaData.typeSearchable,
                    t.unsigned(), false, false, t.name(),
                    t.minScale(), t.maxScale(), t.sqlType(), null, t.radix(), null));
        }
        return rows;
    }
}
