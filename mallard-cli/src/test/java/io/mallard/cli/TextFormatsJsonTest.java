package io.mallard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.mallard.common.rows.ArrowValues;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The shell's {@code --format json}: lists, structs and maps stay JSON, BLOBs are DuckDB's text. */
class TextFormatsJsonTest {

    @Test
    void jsonKeepsListsAndStructsAsJson() {
        java.util.Map<String, Object> struct = new java.util.LinkedHashMap<>();
        struct.put("a", 1L);
        struct.put("b", List.of("x", 2.5));
        ArrowValues.MapValue map = new ArrowValues.MapValue();
        map.put("k", null);
        StringWriter out = new StringWriter();
        TextFormats.json(new io.mallard.common.rows.QueryRows(List.of("l", "s", "m", "t"),
                List.of("List", "Struct", "Map(false)", "Binary"),
                List.of(java.util.Arrays.asList(List.of(1L, 2L), struct, map, new byte[] {0, 'a'}))), new PrintWriter(out));
        assertThat(out.toString().strip())
                .isEqualTo("[{\"l\":[1,2],\"s\":{\"a\":1,\"b\":[\"x\",2.5]},\"m\":{\"k\":null},\"t\":\"\\\\x00a\"}]");
    }
}
