package io.mallard.data.table;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.type.TypeReference;
import io.mallard.common.Json;
import java.util.List;
import org.junit.jupiter.api.Test;

class ColumnDefTest {
    private static final TypeReference<List<ColumnDef>> COLUMNS = new TypeReference<>() { };

    @Test
    void aDefaultIsKeptInTheCatalogsTextAndACatalogWrittenBeforeDefaultsReadsAsNone() {
        List<ColumnDef> columns = List.of(new ColumnDef(0, "k", "INTEGER", false),
                new ColumnDef(3, "label", "VARCHAR", true, "'none'"));
        List<ColumnDef> read = Json.mapper().convertValue(Json.tree(Json.toText(columns)), COLUMNS);
        assertThat(read).isEqualTo(columns);
        List<ColumnDef> old = Json.mapper().convertValue(
                Json.tree("[{\"id\":2,\"name\":\"x\",\"type\":\"DOUBLE\",\"nullable\":true}]"), COLUMNS);
        assertThat(old).containsExactly(new ColumnDef(2, "x", "DOUBLE", true));
    }

    @Test
    void aMissingValueIsTheDefaultCastToTheColumnsType() {
        assertThat(new ColumnDef(1, "n", "DECIMAL(8,2)", true, "2.5 * 2").fill()).isEqualTo("CAST((2.5 * 2) AS DECIMAL(8,2))");
        assertThat(new ColumnDef(1, "n", "DECIMAL(8,2)", true).fill()).isEqualTo("CAST(NULL AS DECIMAL(8,2))");
        assertThat(new ColumnDef(1, "n", "INTEGER", true, "7").withName("m"))
                .isEqualTo(new ColumnDef(1, "m", "INTEGER", true, "7"));
    }
}
