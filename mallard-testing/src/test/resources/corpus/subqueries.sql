-- Sub-queries: NOT IN and NOT EXISTS with NULLs, IN/EXISTS on and off the shard key, scalar and correlated
-- sub-queries, CTEs and derived tables.

-- name: not_in_with_null_in_subquery
SELECT count(*) AS c FROM edge_dim WHERE dim_id NOT IN (SELECT dim_id FROM edge_facts);

-- name: not_in_without_nulls
SELECT dim_id FROM edge_dim WHERE dim_id NOT IN (SELECT dim_id FROM edge_facts WHERE dim_id IS NOT NULL) ORDER BY dim_id;

-- name: not_in_literal_list_with_null
SELECT count(*) AS c FROM edge_facts WHERE k NOT IN (1, 2, NULL);

-- name: not_in_tiny_with_null
SELECT count(*) AS c FROM edge_facts WHERE n NOT IN (SELECT val FROM edge_tiny);

-- name: not_in_co_partitioned
SELECT count(*) AS c FROM edge_facts WHERE id NOT IN (SELECT fact_id FROM edge_events);

-- name: not_in_nullable_partitioned
SELECT count(*) AS c FROM edge_facts WHERE k NOT IN (SELECT qty FROM edge_events);

-- name: not_in_nullable_outer_column
SELECT count(*) AS c, count(k) AS ck FROM edge_facts WHERE k NOT IN (SELECT qty FROM edge_events WHERE qty IS NOT NULL AND qty > 5);

-- name: not_exists_from_dimension
SELECT d.dim_id, d.dim_name FROM edge_dim d WHERE NOT EXISTS (SELECT 1 FROM edge_facts f WHERE f.dim_id = d.dim_id) ORDER BY d.dim_id;

-- name: not_exists_co_partitioned
SELECT count(*) AS c FROM edge_facts f WHERE NOT EXISTS (SELECT 1 FROM edge_events e WHERE e.fact_id = f.id);

-- name: exists_co_partitioned_with_filter
SELECT grp, count(*) AS c FROM edge_facts f WHERE EXISTS (SELECT * FROM edge_events e WHERE e.fact_id = f.id AND e.kind = 'Ärger')
GROUP BY grp ORDER BY grp NULLS FIRST;

-- name: not_exists_off_key
SELECT count(*) AS c FROM edge_facts f WHERE NOT EXISTS (SELECT 1 FROM edge_events e WHERE e.qty = f.k);

-- name: not_exists_from_replicated
SELECT c.color_id FROM edge_colors c WHERE NOT EXISTS (SELECT 1 FROM edge_facts f WHERE f.color_id = c.color_id AND f.grp = 'd' AND f.k = 1) ORDER BY 1;

-- name: in_subquery_on_shard_key
SELECT grp, count(*) AS c FROM edge_facts WHERE id IN (SELECT fact_id FROM edge_events WHERE qty > 40) GROUP BY grp ORDER BY grp NULLS FIRST;

-- name: in_subquery_off_key
SELECT count(*) AS c FROM edge_facts WHERE k IN (SELECT qty FROM edge_events WHERE kind = 'buy');

-- name: in_list_with_null
SELECT count(*) AS c FROM edge_facts WHERE k IN (1, NULL);

-- name: scalar_subquery_in_where
SELECT id, n FROM edge_facts WHERE n > (SELECT avg(n) FROM edge_facts) + 9990 ORDER BY id;

-- name: scalar_subquery_in_select
SELECT grp, count(*) / (SELECT count(*) FROM edge_facts) AS share FROM edge_facts GROUP BY grp ORDER BY grp NULLS FIRST;

-- name: correlated_scalar_from_dimension
SELECT d.dim_id, (SELECT count(*) FROM edge_facts f WHERE f.dim_id = d.dim_id) AS c FROM edge_dim d ORDER BY d.dim_id;

-- name: any_and_all
SELECT count(*) FILTER (WHERE n > ALL (SELECT val FROM edge_tiny WHERE val IS NOT NULL)) AS above_all,
       count(*) FILTER (WHERE k = ANY (SELECT val % 11 FROM edge_tiny)) AS any_match FROM edge_facts;

-- name: scalar_subqueries_over_empty_table
SELECT (SELECT max(val) FROM edge_empty) IS NULL AS no_max, (SELECT count(*) FROM edge_empty) AS c;

-- name: not_exists_empty_table
SELECT count(*) AS c FROM edge_facts WHERE NOT EXISTS (SELECT 1 FROM edge_empty);

-- name: cte_aggregate_then_filter
WITH t AS (SELECT grp, sum(n) AS s FROM edge_facts GROUP BY grp) SELECT * FROM t WHERE s > 0 ORDER BY grp NULLS FIRST;

-- name: cte_used_twice
WITH t AS (SELECT k, count(*) AS c FROM edge_facts GROUP BY k) SELECT a.k, a.c, b.c AS prev FROM t a JOIN t b ON a.k = b.k + 1 ORDER BY a.k;

-- name: cte_shadowing_table_name
WITH edge_facts AS (SELECT * FROM edge_facts WHERE k = 1) SELECT count(*) AS c, sum(big) AS s FROM edge_facts;

-- name: cte_materialized
WITH t AS MATERIALIZED (SELECT dim_id, max(amount) AS m FROM edge_facts GROUP BY dim_id) SELECT count(*) AS c, sum(m) AS s FROM t;

-- name: cte_joined_with_dimension
WITH per_dim AS (SELECT dim_id, count(*) AS c FROM edge_facts GROUP BY dim_id)
SELECT d.dim_id, coalesce(p.c, 0) AS c FROM edge_dim d LEFT JOIN per_dim p USING (dim_id) ORDER BY d.dim_id;

-- name: recursive_cte
WITH RECURSIVE r(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM r WHERE x < 5)
SELECT x, (SELECT count(*) FROM edge_facts WHERE k = x) AS c FROM r ORDER BY x;

-- name: derived_table_buckets
SELECT bucket, count(*) AS c FROM (SELECT n // 2500 AS bucket FROM edge_facts WHERE n IS NOT NULL) GROUP BY bucket ORDER BY bucket;

-- name: aggregate_of_aggregates
SELECT avg(c) AS a, max(c) AS mx, min(c) AS mn, sum(c) AS total FROM (SELECT dim_id, count(*) AS c FROM edge_facts GROUP BY dim_id);

-- name: aggregate_over_top_n
SELECT sum(n) AS s, count(*) AS c FROM (SELECT n FROM edge_facts ORDER BY n DESC NULLS LAST, id LIMIT 10);

-- name: aggregate_over_window
SELECT grp, max(rn) AS size FROM (SELECT grp, row_number() OVER (PARTITION BY grp ORDER BY id) AS rn FROM edge_facts) GROUP BY grp ORDER BY grp NULLS FIRST;

-- name: derived_tables_joined
SELECT a.grp, a.c, b.events FROM (SELECT grp, count(*) AS c FROM edge_facts GROUP BY grp) a
JOIN (SELECT f.grp, count(*) AS events FROM edge_events e JOIN edge_facts f ON f.id = e.fact_id GROUP BY f.grp) b
ON a.grp IS NOT DISTINCT FROM b.grp ORDER BY a.grp NULLS FIRST;

-- name: tpch_not_exists_from_dimension
SELECT count(*) AS c FROM customer WHERE NOT EXISTS (SELECT 1 FROM orders WHERE o_custkey = c_custkey);
