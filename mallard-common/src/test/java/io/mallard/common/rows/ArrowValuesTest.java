package io.mallard.common.rows;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.TimeMicroVector;
import org.apache.arrow.vector.TimeStampMicroTZVector;
import org.apache.arrow.vector.TinyIntVector;
import org.apache.arrow.vector.UInt1Vector;
import org.apache.arrow.vector.UInt2Vector;
import org.apache.arrow.vector.UInt8Vector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.complex.ListVector;
import org.apache.arrow.vector.complex.MapVector;
import org.apache.arrow.vector.complex.StructVector;
import org.apache.arrow.vector.complex.impl.UnionListWriter;
import org.apache.arrow.vector.complex.impl.UnionMapWriter;
import org.apache.arrow.vector.dictionary.Dictionary;
import org.apache.arrow.vector.dictionary.DictionaryProvider;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.DictionaryEncoding;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.junit.jupiter.api.Test;

/** Nested Arrow values come out as plain Java lists and maps whose leaves are converted like top-level values. */
class ArrowValuesTest {
    @Test
    void listsHoldStringsAndNullsNotArrowText() {
        try (BufferAllocator allocator = new RootAllocator(); ListVector list = ListVector.empty("tags", allocator)) {
            UnionListWriter writer = list.getWriter();
            writer.setPosition(0);
            writer.startList();
            writer.writeVarChar("grün");
            writer.writeNull();
            writer.endList();
            writer.setPosition(1);
            writer.startList();
            writer.endList();
            list.setNull(2);
            list.setValueCount(3);
            assertThat(ArrowValues.value(list, 0)).isEqualTo(Arrays.asList("grün", null));
            assertThat(ArrowValues.value(list, 1)).isEqualTo(List.of());
            assertThat(ArrowValues.value(list, 2)).isNull();
        }
    }

    @Test
    void datesInsideListsAreDatesNotDayNumbers() {
        try (BufferAllocator allocator = new RootAllocator(); ListVector list = ListVector.empty("days", allocator)) {
            UnionListWriter writer = list.getWriter();
            writer.setPosition(0);
            writer.startList();
            writer.writeDateDay((int) LocalDate.of(2024, 1, 2).toEpochDay());
            writer.endList();
            list.setValueCount(1);
            assertThat(ArrowValues.value(list, 0)).isEqualTo(List.of(LocalDate.of(2024, 1, 2)));
        }
    }

    @Test
    void structsAreOrderedMapsByFieldName() {
        try (BufferAllocator allocator = new RootAllocator(); StructVector struct = StructVector.empty("st", allocator)) {
            IntVector n = struct.addOrGet("n", FieldType.nullable(new ArrowType.Int(32, true)), IntVector.class);
            VarCharVector g = struct.addOrGet("g", FieldType.nullable(ArrowType.Utf8.INSTANCE), VarCharVector.class);
            struct.allocateNew();
            n.setSafe(0, -7);
            g.setSafe(0, "東京".getBytes(StandardCharsets.UTF_8));
            struct.setIndexDefined(0);
            struct.setValueCount(1);
            n.setValueCount(1);
            g.setValueCount(1);
            Map<String, Object> expected = new LinkedHashMap<>();
            expected.put("n", -7L);
            expected.put("g", "東京");
            assertThat(ArrowValues.value(struct, 0)).isEqualTo(expected);
        }
    }

    @Test
    void mapsAreMapsFromKeyToValue() {
        try (BufferAllocator allocator = new RootAllocator(); MapVector map = MapVector.empty("h", allocator, false)) {
            UnionMapWriter writer = map.getWriter();
            writer.setPosition(0);
            writer.startMap();
            for (int k = 0; k < 3; k++) {
                writer.startEntry();
                writer.key().integer().writeInt(k);
                writer.value().integer().writeInt(10 * k);
                writer.endEntry();
            }
            writer.endMap();
            map.setValueCount(1);
            assertThat(ArrowValues.value(map, 0)).isEqualTo(Map.of(0L, 0L, 1L, 10L, 2L, 20L));
        }
    }

    @Test
    void timesAndZonedTimestampsAreJavaTimeValuesNotRawCounts() {
        try (BufferAllocator allocator = new RootAllocator();
                TimeMicroVector time = new TimeMicroVector("t", allocator);
                TimeStampMicroTZVector zoned = new TimeStampMicroTZVector("tz", allocator, "UTC")) {
            time.setSafe(0, LocalTime.of(12, 34, 56, 500_000_000).toNanoOfDay() / 1_000);
            time.setValueCount(1);
            zoned.setSafe(0, 1_705_190_400_000_000L);
            zoned.setSafe(1, -1L);
            zoned.setValueCount(2);
            assertThat(ArrowValues.value(time, 0)).isEqualTo(LocalTime.of(12, 34, 56, 500_000_000));
            assertThat(ArrowValues.value(zoned, 0)).isEqualTo(OffsetDateTime.of(2024, 1, 14, 0, 0, 0, 0, ZoneOffset.UTC));
            assertThat(ArrowValues.value(zoned, 1)).isEqualTo(OffsetDateTime.of(1969, 12, 31, 23, 59, 59, 999_999_000, ZoneOffset.UTC));
        }
    }

    @Test
    void unsignedIntegersKeepTheirValue() {
        try (BufferAllocator allocator = new RootAllocator();
                UInt1Vector u1 = new UInt1Vector("u1", allocator);
                UInt2Vector u2 = new UInt2Vector("u2", allocator);
                UInt8Vector u8 = new UInt8Vector("u8", allocator)) {
            u1.setSafe(0, 255);
            u1.setValueCount(1);
            u2.setSafe(0, 65535);
            u2.setValueCount(1);
            u8.setSafe(0, -1L);
            u8.setValueCount(1);
            assertThat(ArrowValues.value(u1, 0)).isEqualTo(255L);
            assertThat(ArrowValues.value(u2, 0)).isEqualTo(65535L);
            assertThat(ArrowValues.value(u8, 0)).isEqualTo(new BigInteger("18446744073709551615"));
        }
    }

    @Test
    void dictionaryEncodedValuesAreDecoded() {
        DictionaryEncoding encoding = new DictionaryEncoding(0, false, new ArrowType.Int(8, true));
        try (BufferAllocator allocator = new RootAllocator();
                VarCharVector values = new VarCharVector("values", allocator);
                TinyIntVector indices = new TinyIntVector("e", new FieldType(true, new ArrowType.Int(8, true), encoding), allocator)) {
            values.setSafe(0, "d".getBytes(StandardCharsets.UTF_8));
            values.setSafe(1, "Ä".getBytes(StandardCharsets.UTF_8));
            values.setValueCount(2);
            indices.setSafe(0, 1);
            indices.setNull(1);
            indices.setValueCount(2);
            DictionaryProvider.MapDictionaryProvider provider = new DictionaryProvider.MapDictionaryProvider(new Dictionary(values, encoding));
            assertThat(ArrowValues.value(indices, 0, provider)).isEqualTo("Ä");
            assertThat(ArrowValues.value(indices, 1, provider)).isNull();
        }
    }
}
