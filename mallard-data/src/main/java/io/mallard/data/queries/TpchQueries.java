package io.mallard.data.queries;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The 22 TPC-H queries with the specification's validation-run substitution parameters (TPC-H 3.0, §2.4), in
 * DuckDB's dialect. Stored as resources {@code tpch/qNN.sql}.
 */
public final class TpchQueries {
    private TpchQueries() {
    }

    /** Query {@code n} (1 to 22). */
    public static NamedQuery query(int n) {
        if (n < 1 || n > 22) {
            throw new IllegalArgumentException("TPC-H has queries 1 to 22, not " + n);
        }
        String resource = String.format("tpch/q%02d.sql", n);
        try (InputStream in = TpchQueries.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + resource);
            }
            return new NamedQuery(String.format("tpch-q%d", n), new String(in.readAllBytes(), StandardCharsets.UTF_8).strip());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static List<NamedQuery> all() {
        List<NamedQuery> queries = new ArrayList<>();
        for (int n = 1; n <= 22; n++) {
            queries.add(query(n));
        }
        return queries;
    }
}
