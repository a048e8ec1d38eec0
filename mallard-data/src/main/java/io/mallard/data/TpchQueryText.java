package io.mallard.data;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The text of the 22 TPC-H queries with the specification's validation-run substitution parameters (TPC-H 3.0,
 * §2.4), in DuckDB's dialect, over the tables {@link TpchGenerator} makes. Stored as resources {@code tpch/qNN.sql}.
 */
public final class TpchQueryText {
    /** The number of TPC-H queries. */
    public static final int COUNT = 22;

    private TpchQueryText() {
    }

    /** Query {@code n} (1 to 22), without trailing whitespace. */
    public static String of(int n) {
        if (n < 1 || n > COUNT) {
            throw new IllegalArgumentException("TPC-H has queries 1 to " + COUNT + ", not " + n);
        }
        String resource = String.format("tpch/q%02d.sql", n);
        try (InputStream in = TpchQueryText.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + resource);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
