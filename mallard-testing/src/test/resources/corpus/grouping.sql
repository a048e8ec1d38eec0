-- ROLLUP, CUBE and GROUPING SETS. Subtotal rows are told apart from NULL groups by grouping(), which every ORDER BY
-- includes so that the order is total.

-- name: rollup_two_levels
SELECT grp, flag, grouping(grp, flag) AS gid, count(*) AS c, sum(n) AS s FROM edge_facts GROUP BY ROLLUP (grp, flag)
ORDER BY gid, grp NULLS FIRST, flag NULLS FIRST;

-- name: cube_two_dimensions
SELECT k % 2 AS parity, flag, grouping(k % 2, flag) AS gid, count(*) AS c, avg(g) AS a FROM edge_facts GROUP BY CUBE (k % 2, flag)
ORDER BY gid, parity NULLS FIRST, flag NULLS FIRST;

-- name: grouping_sets_explicit
SELECT grp, dim_id % 3 AS d3, grouping(grp, dim_id % 3) AS gid, sum(amount) AS a, count(*) AS c FROM edge_facts
GROUP BY GROUPING SETS ((grp), (dim_id % 3), ()) ORDER BY gid, grp NULLS FIRST, d3 NULLS FIRST;

-- name: rollup_overflowing_sums
SELECT grp, grouping(grp) AS gid, sum(big) AS s FROM edge_facts GROUP BY ROLLUP (grp) ORDER BY gid, grp NULLS FIRST;

-- name: rollup_variance_and_distinct
SELECT flag, grouping(flag) AS gid, var_samp(g) AS v, count(DISTINCT k) AS ck FROM edge_facts GROUP BY ROLLUP (flag) ORDER BY gid, flag NULLS FIRST;

-- name: rollup_date_parts
SELECT year(dt) AS y, quarter(dt) AS q, grouping(year(dt), quarter(dt)) AS gid, count(*) AS c FROM edge_facts
GROUP BY ROLLUP (year(dt), quarter(dt)) ORDER BY gid, y NULLS FIRST, q NULLS FIRST;

-- name: rollup_over_empty_table
SELECT val, grouping(val) AS gid, count(*) AS c, sum(val) AS s FROM edge_empty GROUP BY ROLLUP (val) ORDER BY gid, val;

-- name: cube_over_mostly_empty_shards
SELECT label, val, grouping(label, val) AS gid, count(*) AS c FROM edge_tiny GROUP BY CUBE (label, val) ORDER BY gid, label NULLS FIRST, val NULLS FIRST;

-- name: rollup_with_dimension
SELECT d.dim_rank, f.flag, grouping(d.dim_rank, f.flag) AS gid, count(*) AS c, sum(f.amount) AS a
FROM edge_facts f JOIN edge_dim d ON f.dim_id = d.dim_id GROUP BY ROLLUP (d.dim_rank, f.flag) ORDER BY gid, d.dim_rank NULLS FIRST, f.flag NULLS FIRST;

-- name: grouping_sets_having
SELECT grp, k, grouping(grp, k) AS gid, count(*) AS c FROM edge_facts GROUP BY GROUPING SETS ((grp, k), (grp)) HAVING count(*) > 150
ORDER BY gid, grp NULLS FIRST, k NULLS FIRST;

-- name: tpch_rollup
SELECT l_returnflag, l_linestatus, grouping(l_returnflag, l_linestatus) AS gid, sum(l_quantity) AS q, count(*) AS c
FROM lineitem GROUP BY ROLLUP (l_returnflag, l_linestatus) ORDER BY gid, l_returnflag NULLS FIRST, l_linestatus NULLS FIRST;
