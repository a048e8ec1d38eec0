package io.mallard.coordinator.system;

import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.util.Text;

/** The rows a system-table query answers, for tests. */
final class SystemRows {
    private SystemRows() {
    }

    /** Each value as Arrow's Java object, text as String and NULL as "null". */
    static List<List<Object>> of(SystemTables system, String sql, SystemTables.Viewer viewer) throws Exception {
        List<List<Object>> rows = new ArrayList<>();
        try (SystemTables.Result result = system.execute(sql, viewer)) {
            while (result.reader().loadNextBatch()) {
                VectorSchemaRoot root = result.reader().getVectorSchemaRoot();
                for (int r = 0; r < root.getRowCount(); r++) {
                    List<Object> row = new ArrayList<>();
                    for (var vector : root.getFieldVectors()) {
                        Object value = vector.getObject(r);
                        row.add(value == null ? "null" : value instanceof Text ? value.toString() : value);
                    }
                    rows.add(row);
                }
            }
        }
        return rows;
    }
}
