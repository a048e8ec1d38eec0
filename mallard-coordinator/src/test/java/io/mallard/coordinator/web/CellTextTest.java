package io.mallard.coordinator.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.mallard.common.duck.DuckArrow;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import org.apache.arrow.vector.ipc.ArrowReader;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.junit.jupiter.api.Test;

/** How the web page shows a cell and names a column's type, and how its CSV quotes a field. */
class CellTextTest {
    /** Each cell equals DuckDB's own CAST(… AS VARCHAR) of the same value; NULL stays null (the page shows NULL). */
    @Test
    void valuesAreShownAsDuckDbPrintsThemAndNullStaysNull() throws Exception {
        String[] values = {"42::BIGINT", "NULL::BIGINT", "DATE '1998-12-01'", "'a,b'", "'\\xCA\\xFE'::BLOB",
            "TIMESTAMPTZ '2023-11-14 22:13:20.123456+00'", "TIMESTAMP '2024-01-02 03:04:05'", "[1, NULL, 3]",
            "{'a': 1, 'b': 'x y'}", "MAP {'k': [1.5, NULL]}", "INTERVAL '1 year 2 days 03:04:05.5'", "1e20::DOUBLE",
            "'0.10'::DECIMAL(5,2)", "['', 'NULL', 'a,b']", "TIME '12:34:56.789'"};
        StringBuilder select = new StringBuilder("SELECT ");
        StringBuilder text = new StringBuilder("SELECT ");
        for (int i = 0; i < values.length; i++) {
            select.append(i == 0 ? "" : ", ").append(values[i]).append(" AS c").append(i);
            text.append(i == 0 ? "" : ", ").append("CAST(").append(values[i]).append(" AS VARCHAR) AS c").append(i);
        }
        try (BufferAllocator allocator = new RootAllocator();
                Connection duck = DriverManager.getConnection("jdbc:duckdb:");
                Statement statement = duck.createStatement()) {
            statement.execute("SET TimeZone = 'UTC'");
            List<String> expected = new ArrayList<>();
            try (ResultSet rs = statement.executeQuery(text.toString())) {
                rs.next();
                for (int i = 0; i < values.length; i++) {
                    expected.add(rs.getString(i + 1));
                }
            }
            List<String> shown = new ArrayList<>();
            try (ResultSet rs = statement.executeQuery(select.toString());
                    ArrowReader reader = DuckArrow.export(rs, allocator)) {
                assertThat(reader.loadNextBatch()).isTrue();
                for (int i = 0; i < values.length; i++) {
                    shown.add(CellText.of(reader.getVectorSchemaRoot().getVector(i), 0, reader));
                }
            }
            assertThat(shown).isEqualTo(expected);
            assertThat(shown.get(1)).as("NULL is null, not the text NULL").isNull();
        }
    }

    @Test
    void typesAreNamedInSqlWords() {
        assertThat(List.of(field(new ArrowType.Int(64, true)), field(new ArrowType.Int(32, false)),
                field(new ArrowType.Decimal(15, 2, 128)), field(ArrowType.Utf8.INSTANCE),
                field(new ArrowType.Date(org.apache.arrow.vector.types.DateUnit.DAY)),
                field(new ArrowType.Timestamp(org.apache.arrow.vector.types.TimeUnit.MICROSECOND, "UTC")))
                .stream().map(CellText::type).toList())
                .containsExactly("BIGINT", "UINTEGER", "DECIMAL(15,2)", "VARCHAR", "DATE", "TIMESTAMPTZ");
    }

    @Test
    void csvQuotesOnlyWhatNeedsIt() {
        assertThat(CsvDownload.field("plain")).isEqualTo("plain");
        assertThat(CsvDownload.field("a,b")).isEqualTo("\"a,b\"");
        assertThat(CsvDownload.field("say \"hi\"")).isEqualTo("\"say \"\"hi\"\"\"");
        assertThat(CsvDownload.field("two\nlines")).isEqualTo("\"two\nlines\"");
    }

    private static Field field(ArrowType type) {
        return new Field("c", FieldType.nullable(type), null);
    }
}
