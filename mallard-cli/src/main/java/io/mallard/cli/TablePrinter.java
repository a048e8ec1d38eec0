package io.mallard.cli;

import io.mallard.common.rows.DuckText;
import io.mallard.common.rows.QueryRows;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Prints rows as a boxed table in the manner of the DuckDB shell: column names with their types under them, numbers
 * right-aligned, long values cut, and a result too long or too wide for the screen shown by its first and last rows and
 * its outer columns, with a footer that says how many there are.
 */
final class TablePrinter {
    /** Longest cell, in characters, when there are several columns. */
    private static final int MAX_CELL = 40;
    /** A result with more rows shows this many: half from the top, half from the bottom. */
    static final int DEFAULT_MAX_ROWS = 40;
    static final int DEFAULT_WIDTH = 120;

    private TablePrinter() {
    }

    /** As the demo prints: at most {@code maxRows} rows at the default width. */
    static void print(QueryRows result, int maxRows, PrintStream out) {
        PrintWriter writer = new PrintWriter(out, true);
        print(result, maxRows, DEFAULT_WIDTH, writer);
        writer.flush();
    }

    static void print(QueryRows result, int maxRows, int width, PrintWriter out) {
        print(result, maxRows, width, "NULL", out);
    }

    /** As above, with {@code nullValue} shown for NULL ({@code .nullvalue}). */
    static void print(QueryRows result, int maxRows, int width, String nullValue, PrintWriter out) {
        int columnCount = result.columns().size();
        if (columnCount == 0) {
            out.println("OK");
            return;
        }
        List<Integer> rowIndexes = shownRows(result.rows().size(), maxRows);
        // one column (a plan, a list of names) may take the whole width: EXPLAIN's lines are not cut
        int maxCell = columnCount == 1 ? Math.max(MAX_CELL, width - 4) : MAX_CELL;
        List<List<String>> cells = new ArrayList<>();
        for (int r : rowIndexes) {
            List<String> line = new ArrayList<>();
            for (int c = 0; c < columnCount; c++) {
                Object value = r < 0 ? null : result.rows().get(r).get(c);
                line.add(r < 0 ? "·" : cut(value == null ? nullValue : format(value), maxCell));
            }
            cells.add(line);
        }
        List<String> types = result.types().stream().map(TablePrinter::sqlType).toList();
        int[] widths = new int[columnCount];
        boolean[] numeric = new boolean[columnCount];
        for (int c = 0; c < columnCount; c++) {
            widths[c] = Math.max(cut(result.columns().get(c), maxCell).length(), c < types.size() ? types.get(c).length() : 0);
            for (List<String> line : cells) {
                widths[c] = Math.max(widths[c], line.get(c).length());
            }
            numeric[c] = c < result.types().size() && isNumeric(result.types().get(c));
        }
        List<Integer> columns = shownColumns(widths, width);
        int total = result.rows().size();
        long rowsShown = rowIndexes.stream().filter(r -> r >= 0).count();
        long columnsShown = columns.stream().filter(c -> c >= 0).count();
        String footer = total + (total == 1 ? " row" : " rows") + (rowsShown < total ? " (" + rowsShown + " shown)" : "")
                + (columnsShown < columnCount ? "  " + columnCount + " columns (" + columnsShown + " shown)" : "");

        int missing = footer.length() + 2 - (border('├', '┴', '┤', columns, widths).length() - 2);
        if (missing > 0) {
            int last = columns.get(columns.size() - 1) >= 0 ? columns.get(columns.size() - 1) : columns.get(0);
            widths[last] += missing; // a narrow result still has room for its footer
        }
        out.println(border('┌', '┬', '┐', columns, widths));
        out.println(line(columns, widths, numeric, c -> cut(result.columns().get(c), maxCell), false));
        out.println(line(columns, widths, numeric, c -> c < types.size() ? types.get(c) : "", false));
        out.println(border('├', '┼', '┤', columns, widths));
        for (List<String> row : cells) {
            out.println(line(columns, widths, numeric, row::get, true));
        }
        int inner = border('├', '┴', '┤', columns, widths).length() - 2;
        out.println(border('├', '┴', '┤', columns, widths));
        out.println("│ " + pad(footer, inner - 2, false) + " │");
        out.println("└" + "─".repeat(inner) + "┘");
    }

    /** Row indexes to show: all, or the first and last half of {@code maxRows} with -1 marking the gap. */
    private static List<Integer> shownRows(int total, int maxRows) {
        List<Integer> rows = new ArrayList<>();
        if (total <= maxRows) {
            for (int r = 0; r < total; r++) {
                rows.add(r);
            }
            return rows;
        }
        int head = (maxRows + 1) / 2;
        int tail = maxRows - head;
        for (int r = 0; r < head; r++) {
            rows.add(r);
        }
        rows.add(-1);
        for (int r = total - tail; r < total; r++) {
            rows.add(r);
        }
        return rows;
    }

    /** Column indexes to show within {@code width}: all, or the outer ones with -1 marking the "…" column. */
    private static List<Integer> shownColumns(int[] widths, int width) {
        List<Integer> all = new ArrayList<>();
        int needed = 1;
        for (int c = 0; c < widths.length; c++) {
            all.add(c);
            needed += widths[c] + 3;
        }
        if (needed <= width || widths.length <= 2) {
            return all;
        }
        List<Integer> left = new ArrayList<>();
        List<Integer> right = new ArrayList<>();
        int used = 1 + 4; // the "…" column
        int l = 0;
        int r = widths.length - 1;
        while (l <= r) {
            if (used + widths[l] + 3 > width) {
                break;
            }
            used += widths[l] + 3;
            left.add(l++);
            if (l > r || used + widths[r] + 3 > width) {
                break;
            }
            used += widths[r] + 3;
            right.add(0, r--);
        }
        if (left.isEmpty() && right.isEmpty()) {
            return all; // a screen narrower than one column: let the terminal wrap
        }
        List<Integer> shown = new ArrayList<>(left);
        shown.add(-1);
        shown.addAll(right);
        return shown;
    }

    private static String border(char left, char middle, char right, List<Integer> columns, int[] widths) {
        StringBuilder b = new StringBuilder().append(left);
        for (int i = 0; i < columns.size(); i++) {
            int c = columns.get(i);
            b.append("─".repeat((c < 0 ? 1 : widths[c]) + 2)).append(i == columns.size() - 1 ? right : middle);
        }
        return b.toString();
    }

    private static String line(List<Integer> columns, int[] widths, boolean[] numeric,
            java.util.function.IntFunction<String> value, boolean body) {
        StringBuilder b = new StringBuilder("│");
        for (int c : columns) {
            if (c < 0) {
                b.append(" … │");
                continue;
            }
            b.append(' ').append(pad(value.apply(c), widths[c], body && numeric[c])).append(" │");
        }
        return b.toString();
    }

    private static String pad(String s, int width, boolean right) {
        String spaces = " ".repeat(Math.max(0, width - s.length()));
        return right ? spaces + s : s + spaces;
    }

    /** A value as DuckDB's shell prints it ({@link DuckText}). */
    static String format(Object value) {
        return DuckText.format(value);
    }

    private static String cut(String s, int maxCell) {
        String flat = s.replace('\n', ' ').replace('\r', ' ').replace('\t', ' ');
        return flat.length() <= maxCell ? flat : flat.substring(0, maxCell - 1) + "…";
    }

    private static boolean isNumeric(String arrowType) {
        return arrowType.startsWith("Int(") || arrowType.startsWith("FloatingPoint") || arrowType.startsWith("Decimal");
    }

    /** A short SQL name for an Arrow type as {@code ArrowType.toString()} spells it, as the DuckDB shell shows types. */
    static String sqlType(String arrowType) {
        String t = arrowType.replace(" ", "");
        if (t.startsWith("Int(")) {
            boolean signed = t.endsWith("true)");
            String bits = t.substring(4, t.indexOf(','));
            return (signed ? "" : "u") + switch (bits) {
                case "8" -> "tinyint";
                case "16" -> "smallint";
                case "32" -> "integer";
                default -> "bigint";
            };
        }
        if (t.startsWith("Decimal(")) {
            String[] parts = t.substring(8, t.length() - 1).split(",");
            return parts[0].equals("38") && parts[1].equals("0") ? "hugeint" : "decimal(" + parts[0] + "," + parts[1] + ")";
        }
        if (t.equals("FloatingPoint(DOUBLE)")) {
            return "double";
        }
        if (t.equals("FloatingPoint(SINGLE)")) {
            return "float";
        }
        if (t.startsWith("Utf8") || t.startsWith("LargeUtf8")) {
            return "varchar";
        }
        if (t.startsWith("Timestamp")) {
            return t.contains(",") && !t.endsWith(",null)") ? "timestamptz" : "timestamp";
        }
        if (t.startsWith("Binary") || t.startsWith("LargeBinary")) {
            return "blob";
        }
        if (t.equals("Bool")) {
            return "boolean";
        }
        if (t.equals("List") || t.equals("LargeList")) {
            return "list";
        }
        if (t.startsWith("Date")) {
            return "date";
        }
        int paren = t.indexOf('(');
        return (paren < 0 ? t : t.substring(0, paren)).toLowerCase(Locale.ROOT);
    }
}
