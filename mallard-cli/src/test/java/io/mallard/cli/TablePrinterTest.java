package io.mallard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.mallard.client.Progress;
import io.mallard.common.rows.QueryRows;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The boxed table's cuts for long and wide results, the statement splitter and the progress line's text. */
class TablePrinterTest {

    private static String print(QueryRows rows, int maxRows, int width) {
        StringWriter out = new StringWriter();
        TablePrinter.print(rows, maxRows, width, new PrintWriter(out));
        return out.toString();
    }

    @Test
    void aPlanIsNotCutWhileItFitsTheWidth() {
        String line = "PUSHDOWN_AGG: SELECT l_returnflag, sum(l_quantity) AS s FROM lineitem GROUP BY l_returnflag";
        String text = print(new QueryRows(List.of("plan"), List.of("Utf8"), List.of(List.of(line))), 40, 120);
        assertThat(text).contains(line);
        String narrow = print(new QueryRows(List.of("plan"), List.of("Utf8"), List.of(List.of(line))), 40, 60);
        assertThat(narrow).contains(line.substring(0, 55) + "…").doesNotContain(line);
    }

    @Test
    void longResultsShowTheirFirstAndLastRowsAndWideOnesTheirOuterColumns() {
        List<List<Object>> rows = new ArrayList<>();
        for (long i = 0; i < 100; i++) {
            rows.add(List.of(i, "row " + i));
        }
        String text = print(new QueryRows(List.of("id", "name"), List.of("Int(64, true)", "Utf8"), rows), 10, 120);
        assertThat(ShellTest.cells(text)).contains("id", "name", "bigint", "varchar", "row 4", "row 95", "·")
                .doesNotContain("row 5", "row 94");
        assertThat(text).contains("100 rows (10 shown)");
        String[] lines = text.split("\n");
        assertThat(lines).allMatch(line -> line.length() == lines[0].length());

        List<String> columns = new ArrayList<>();
        List<Object> wide = new ArrayList<>();
        for (int c = 0; c < 30; c++) {
            columns.add("column_" + c);
            wide.add("value " + c);
        }
        String narrow = print(new QueryRows(columns, Collections.nCopies(30, "Utf8"), List.of(wide)), 40, 80);
        assertThat(narrow.split("\n")).allMatch(line -> line.length() <= 80);
        assertThat(narrow).contains("column_0").contains("column_29").contains(" … ").doesNotContain("column_15 ")
                .contains("30 columns (");
        // beside other columns a long value is cut at 40 characters (alone, it may take the width: see below)
        assertThat(print(new QueryRows(List.of("k", "v"), List.of("Utf8", "Utf8"), List.of(List.of("a", "x".repeat(100)))),
                40, 120)).contains("x".repeat(39) + "…");
    }

    @Test
    void statementsEndAtSemicolonsOutsideQuotesAndComments() {
        StatementSplitter splitter = new StatementSplitter();
        assertThat(splitter.add("SELECT 'a;b', \"c;d\" -- e;f\n")).isEmpty();
        assertThat(splitter.add("FROM t; SELECT /* ; */ 2;")).containsExactly("SELECT 'a;b', \"c;d\" -- e;f\nFROM t",
                "SELECT /* ; */ 2");
        assertThat(StatementSplitter.incomplete("SELECT 1")).isTrue();
        assertThat(StatementSplitter.incomplete("SELECT 'it''s;")).isTrue();
        assertThat(StatementSplitter.incomplete("SELECT 'it''s';")).isFalse();
        assertThat(StatementSplitter.incomplete("SELECT 1; -- done")).isFalse();
    }

    @Test
    void progressLineSaysShardsRowsAndTime() {
        assertThat(ProgressLine.render(Optional.of(new Progress(3, 8, 1_234_567, 0)), 2_400))
                .isEqualTo("shards 3/8 · 1,234,567 rows · 2.4 s");
        assertThat(ProgressLine.render(Optional.of(new Progress(8, 8, 1_234_567, 0)), 2_400))
                .isEqualTo("shards 8/8 done · combining 1,234,567 rows on the coordinator · 2.4 s");
        assertThat(ProgressLine.render(Optional.empty(), 1_000)).isEqualTo("running · 1.0 s");
    }
}
