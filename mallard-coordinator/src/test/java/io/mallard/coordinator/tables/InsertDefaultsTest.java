package io.mallard.coordinator.tables;

import static org.assertj.core.api.Assertions.assertThat;

import io.mallard.data.TableRole;
import io.mallard.data.table.ColumnDef;
import io.mallard.data.table.TableDef;
import java.util.List;
import org.junit.jupiter.api.Test;

class InsertDefaultsTest {
    private static final TableDef TABLE = new TableDef(1, "t", TableRole.PARTITIONED, List.of(),
            List.of(new ColumnDef(0, "k", "INTEGER", true), new ColumnDef(1, "label", "VARCHAR", true, "'none'")),
            List.of(), 2);

    private static String rewritten(String values, List<String> names) {
        return RowChanges.withDefaults(new TableStatement.Part(values, 17), TABLE, names).text();
    }

    @Test
    void aWholeValueDefaultBecomesTheColumnsDefaultOrNull() {
        assertThat(rewritten("VALUES (1, DEFAULT), (DEFAULT, 'x')", List.of("k", "label")))
                .isEqualTo("VALUES (1, CAST(('none') AS VARCHAR)), (CAST(NULL AS INTEGER), 'x')");
        assertThat(rewritten("VALUES (DEFAULT, 2)", List.of("label", "k"))).isEqualTo("VALUES (CAST(('none') AS VARCHAR), 2)");
        assertThat(rewritten("DEFAULT VALUES", List.of("k", "label")))
                .isEqualTo("SELECT CAST(NULL AS INTEGER) AS \"k\", CAST(('none') AS VARCHAR) AS \"label\"");
    }

    @Test
    void anythingElseNamedDefaultIsLeftAsItIs() {
        for (String kept : List.of("VALUES (1, 'DEFAULT')", "VALUES (1, coalesce(DEFAULT, 'a'))",
                "VALUES (1, \"default\")", "SELECT 1, 'a' FROM range(1)", "VALUES (1, DEFAULT || 'a')")) {
            assertThat(rewritten(kept, List.of("k", "label"))).as(kept).isEqualTo(kept);
        }
        assertThat(RowChanges.withDefaults(new TableStatement.Part("VALUES (1, DEFAULT)", 17), TABLE, List.of("k", "label"))
                .at()).isEqualTo(17);
    }
}
