package io.mallard.testing;

import io.mallard.data.TpchQueryText;
import java.util.ArrayList;
import java.util.List;

/**
 * The 22 TPC-H queries with the specification's validation-run substitution parameters (TPC-H 3.0, §2.4), in
 * DuckDB's dialect, named {@code tpch-qN}. Their text is {@link TpchQueryText}'s.
 */
public final class TpchQueries {
    private TpchQueries() {
    }

    /** Query {@code n} (1 to 22). */
    public static DemoQueries.NamedQuery query(int n) {
        return new DemoQueries.NamedQuery(String.format("tpch-q%d", n), TpchQueryText.of(n));
    }

    public static List<DemoQueries.NamedQuery> all() {
        List<DemoQueries.NamedQuery> queries = new ArrayList<>();
        for (int n = 1; n <= TpchQueryText.COUNT; n++) {
            queries.add(query(n));
        }
        return queries;
    }
}
