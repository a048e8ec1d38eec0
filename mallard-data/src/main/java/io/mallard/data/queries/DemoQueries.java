package io.mallard.data.queries;

import java.util.List;

/**
 * The queries the demo runs: TPC-H Q1, Q3, Q5 and Q6 with the specification's validation-run substitution parameters,
 * and the two queries of the One Trillion Row Challenge. The demo, the benchmarks and the tests run them.
 */
public final class DemoQueries {
    public static final NamedQuery Q1 = new NamedQuery("tpch-q1", """
            SELECT l_returnflag, l_linestatus,
                   sum(l_quantity) AS sum_qty,
                   sum(l_extendedprice) AS sum_base_price,
                   sum(l_extendedprice * (1 - l_discount)) AS sum_disc_price,
                   sum(l_extendedprice * (1 - l_discount) * (1 + l_tax)) AS sum_charge,
                   avg(l_quantity) AS avg_qty,
                   avg(l_extendedprice) AS avg_price,
                   avg(l_discount) AS avg_disc,
                   count(*) AS count_order
            FROM lineitem
            WHERE l_shipdate <= DATE '1998-12-01' - INTERVAL '90' DAY
            GROUP BY l_returnflag, l_linestatus
            ORDER BY l_returnflag, l_linestatus""");

    public static final NamedQuery Q3 = new NamedQuery("tpch-q3", """
            SELECT l_orderkey,
                   sum(l_extendedprice * (1 - l_discount)) AS revenue,
                   o_orderdate, o_shippriority
            FROM customer, orders, lineitem
            WHERE c_mktsegment = 'BUILDING'
              AND c_custkey = o_custkey
              AND l_orderkey = o_orderkey
              AND o_orderdate < DATE '1995-03-15'
              AND l_shipdate > DATE '1995-03-15'
            GROUP BY l_orderkey, o_orderdate, o_shippriority
            ORDER BY revenue DESC, o_orderdate
            LIMIT 10""");

    public static final NamedQuery Q5 = new NamedQuery("tpch-q5", """
            SELECT n_name, sum(l_extendedprice * (1 - l_discount)) AS revenue
            FROM customer, orders, lineitem, supplier, nation, region
            WHERE c_custkey = o_custkey
              AND l_orderkey = o_orderkey
              AND l_suppkey = s_suppkey
              AND c_nationkey = s_nationkey
              AND s_nationkey = n_nationkey
              AND n_regionkey = r_regionkey
              AND r_name = 'ASIA'
              AND o_orderdate >= DATE '1994-01-01'
              AND o_orderdate < DATE '1994-01-01' + INTERVAL '1' YEAR
            GROUP BY n_name
            ORDER BY revenue DESC""");

    public static final NamedQuery Q6 = new NamedQuery("tpch-q6", """
            SELECT sum(l_extendedprice * l_discount) AS revenue
            FROM lineitem
            WHERE l_shipdate >= DATE '1994-01-01'
              AND l_shipdate < DATE '1994-01-01' + INTERVAL '1' YEAR
              AND l_discount BETWEEN 0.06 - 0.01 AND 0.06 + 0.01
              AND l_quantity < 24""");

    public static final NamedQuery CHALLENGE_COUNT = new NamedQuery("challenge-count",
            "SELECT count(*) FROM measurements");

    public static final NamedQuery CHALLENGE_STATIONS = new NamedQuery("challenge-stations",
            "SELECT station, min(measure), max(measure), avg(measure) FROM measurements GROUP BY station ORDER BY station");

    public static final List<NamedQuery> ALL = List.of(Q1, Q3, Q5, Q6, CHALLENGE_COUNT, CHALLENGE_STATIONS);

    private DemoQueries() {
    }
}
