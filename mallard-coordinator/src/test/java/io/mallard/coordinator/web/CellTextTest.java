package io.mallard.coordinator.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.TimeStampMicroTZVector;
import org.apache.arrow.vector.VarBinaryVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.junit.jupiter.api.Test;

/** How the web page shows a cell and names a column's type, and how its CSV quotes a field. */
class CellTextTest {
    @Test
    void valuesAreShownAsDuckDbPrintsThemAndNullStaysNull() {
        try (BufferAllocator allocator = new RootAllocator();
                BigIntVector numbers = new BigIntVector("n", allocator);
                DateDayVector dates = new DateDayVector("d", allocator);
                VarCharVector text = new VarCharVector("s", allocator);
                VarBinaryVector blobs = new VarBinaryVector("b", allocator);
                TimeStampMicroTZVector stamps = new TimeStampMicroTZVector("t", allocator, "UTC")) {
            numbers.allocateNew(2);
            numbers.set(0, 42);
            numbers.setNull(1);
            numbers.setValueCount(2);
            dates.allocateNew(1);
            dates.set(0, (int) LocalDate.of(1998, 12, 1).toEpochDay());
            dates.setValueCount(1);
            text.allocateNew(1);
            text.setSafe(0, "a,b".getBytes(StandardCharsets.UTF_8));
            text.setValueCount(1);
            blobs.allocateNew(1);
            blobs.setSafe(0, new byte[] {(byte) 0xca, (byte) 0xfe});
            blobs.setValueCount(1);
            stamps.allocateNew(1);
            stamps.set(0, 1_700_000_000_123_456L);
            stamps.setValueCount(1);

            assertThat(CellText.of(numbers, 0, null)).isEqualTo("42");
            assertThat(CellText.of(numbers, 1, null)).isNull();
            assertThat(CellText.of(dates, 0, null)).isEqualTo("1998-12-01");
            assertThat(CellText.of(text, 0, null)).isEqualTo("a,b");
            assertThat(CellText.of(blobs, 0, null)).isEqualTo("\\xcafe");
            assertThat(CellText.of(stamps, 0, null)).isEqualTo("2023-11-14 22:13:20.123456+00");
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
