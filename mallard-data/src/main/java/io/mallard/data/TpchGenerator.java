package io.mallard.data;

import io.trino.tpch.TpchColumn;
import io.trino.tpch.TpchColumnType;
import io.trino.tpch.TpchEntity;
import io.trino.tpch.TpchTable;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VarCharVector;

/**
 * Generates the eight TPC-H tables into DuckDB with the schema and types of DuckDB's tpch extension
 * (see {@link Datasets#tpchTables()}), using the Java port of dbgen ({@code io.trino.tpch}) because
 * the tpch extension is not bundled with the JDBC driver and cannot be downloaded offline.
 *
 * <p>Needs the JVM flag {@code --add-opens=java.base/java.nio=ALL-UNNAMED} (rows are loaded through Arrow).
 */
public final class TpchGenerator {
    private TpchGenerator() {
    }

    /**
     * Creates region, nation, supplier, customer, part, partsupp, orders and lineitem in the
     * connection's default schema and fills them at scale factor {@code scaleFactor}.
     * Rows are bulk-loaded through Arrow's C stream interface, several times faster than DuckDB's JDBC appender.
     *
     * @param duckdb      an open DuckDB connection; the tables must not exist yet
     * @param scaleFactor TPC-H scale factor, {@code > 0} (0.01 gives 60k lineitem rows)
     * @throws SQLException on any DuckDB error
     */
    public static void generate(Connection duckdb, double scaleFactor) throws SQLException {
        if (!(scaleFactor > 0)) {
            throw new IllegalArgumentException("scaleFactor must be > 0, got " + scaleFactor);
        }
        for (TableSpec spec : DatasetDefinitions.tpch()) {
            load(duckdb, spec, TpchTable.getTable(spec.name()), scaleFactor);
        }
    }

    private static <E extends TpchEntity> void load(Connection conn, TableSpec spec, TpchTable<E> table,
                                                    double scaleFactor) throws SQLException {
        Sql.execute(conn, Sql.createTable(spec));
        List<Cell<E>> cells = new ArrayList<>(spec.columns().size());
        for (ColumnSpec col : spec.columns()) {
            cells.add(cell(findColumn(table, col.name()), col.type()));
        }
        // One part of one: the whole table in a single deterministic sequence, matching dbgen's row order.
        Iterator<E> rows = table.createGenerator(scaleFactor, 1, 1).iterator();
        ArrowLoad.insert(conn, spec, (vectors, capacity) -> {
            int i = 0;
            for (; i < capacity && rows.hasNext(); i++) {
                E row = rows.next();
                for (int c = 0; c < cells.size(); c++) {
                    cells.get(c).set(vectors.get(c), i, row);
                }
            }
            return i;
        });
    }

    private static <E extends TpchEntity> TpchColumn<E> findColumn(TpchTable<E> table, String name) {
        for (TpchColumn<E> c : table.getColumns()) {
            if (c.getColumnName().equalsIgnoreCase(name)) {
                return c;
            }
        }
        throw new IllegalStateException("io.trino.tpch has no column " + table.getTableName() + "." + name);
    }

    /** Writes one value of a row into a vector; chosen once per column so the per-row loop has no type dispatch. */
    @FunctionalInterface
    private interface Cell<E> {
        void set(FieldVector vector, int index, E row);
    }

    /** Maps a generator column to a vector write producing the DuckDB type of the target column. */
    private static <E extends TpchEntity> Cell<E> cell(TpchColumn<E> col, String duckType) {
        boolean identifier = col.getType().getBase() == TpchColumnType.Base.IDENTIFIER;
        switch (duckType.toUpperCase(Locale.ROOT)) {
            case "BIGINT":
                return identifier
                        ? (v, i, r) -> ((BigIntVector) v).set(i, col.getIdentifier(r))
                        : (v, i, r) -> ((BigIntVector) v).set(i, col.getInteger(r));
            case "INTEGER":
                return identifier
                        ? (v, i, r) -> ((IntVector) v).set(i, Math.toIntExact(col.getIdentifier(r)))
                        : (v, i, r) -> ((IntVector) v).set(i, col.getInteger(r));
            case "DECIMAL(15,2)":
                // The generator keeps money in cents and exposes cents/100.0; rounding recovers the
                // exact cents, which is the unscaled value of a DECIMAL(15,2).
                return (v, i, r) -> ((DecimalVector) v).set(i, Math.round(col.getDouble(r) * 100.0));
            case "DATE":
                return (v, i, r) -> ((DateDayVector) v).set(i, col.getDate(r));
            case "VARCHAR":
                return (v, i, r) -> ((VarCharVector) v).setSafe(i, col.getString(r).getBytes(StandardCharsets.UTF_8));
            default:
                throw new IllegalStateException("unsupported TPC-H column type " + duckType + " for " + col.getColumnName());
        }
    }
}
