package io.mallard.cli;

import io.mallard.protocol.client.QueryRows;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

/** Prints rows as a boxed table, cutting long values and long results. */
final class TablePrinter {
    private static final int MAX_WIDTH = 40;

    private TablePrinter() {
    }

    static void print(QueryRows result, int maxRows, PrintStream out) {
        List<String> header = result.columns();
        List<List<String>> cells = new ArrayList<>();
        for (List<Object> row : result.rows().subList(0, Math.min(maxRows, result.rows().size()))) {
            List<String> line = new ArrayList<>();
            for (Object value : row) {
                line.add(cut(format(value)));
            }
            cells.add(line);
        }
        int[] widths = new int[header.size()];
        for (int c = 0; c < header.size(); c++) {
            widths[c] = cut(header.get(c)).length();
            for (List<String> line : cells) {
                widths[c] = Math.max(widths[c], line.get(c).length());
            }
        }
        String border = border(widths);
        out.println(border);
        out.println(line(header.stream().map(TablePrinter::cut).toList(), widths));
        out.println(border);
        for (List<String> line : cells) {
            out.println(line(line, widths));
        }
        out.println(border);
        int total = result.rows().size();
        out.println(total + (total == 1 ? " row" : " rows") + (total > maxRows ? " (" + maxRows + " shown)" : ""));
    }

    static String format(Object value) {
        if (value == null) {
            return "NULL";
        }
        if (value instanceof BigDecimal d) {
            return d.toPlainString();
        }
        return value.toString();
    }

    private static String cut(String s) {
        return s.length() <= MAX_WIDTH ? s : s.substring(0, MAX_WIDTH - 1) + "…";
    }

    private static String border(int[] widths) {
        StringBuilder b = new StringBuilder("+");
        for (int w : widths) {
            b.append("-".repeat(w + 2)).append('+');
        }
        return b.toString();
    }

    private static String line(List<String> values, int[] widths) {
        StringBuilder b = new StringBuilder("|");
        for (int c = 0; c < widths.length; c++) {
            b.append(' ').append(values.get(c)).append(" ".repeat(widths[c] - values.get(c).length())).append(" |");
        }
        return b.toString();
    }
}
