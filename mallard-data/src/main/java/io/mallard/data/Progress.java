package io.mallard.data;

import java.io.PrintStream;
import java.util.Locale;

/** Progress lines for long generation steps; a null stream means silent. */
final class Progress {
    private Progress() {
    }

    static void log(PrintStream out, String format, Object... args) {
        if (out != null) {
            out.println(String.format(Locale.ROOT, format, args));
            out.flush();
        }
    }

    /** @return elapsed time since {@code startNanos} as e.g. {@code "1.23 s"} */
    static String since(long startNanos) {
        return String.format(Locale.ROOT, "%.2f s", (System.nanoTime() - startNanos) / 1e9);
    }
}
