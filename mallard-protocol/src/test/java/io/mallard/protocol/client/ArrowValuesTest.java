package io.mallard.protocol.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.complex.ListVector;
import org.apache.arrow.vector.complex.MapVector;
import org.apache.arrow.vector.complex.StructVector;
import org.apache.arrow.vector.complex.impl.UnionListWriter;
import org.apache.arrow.vector.complex.impl.UnionMapWriter;
import org.apache.arrow.vector.types.pojo.ArrowType;
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
}
