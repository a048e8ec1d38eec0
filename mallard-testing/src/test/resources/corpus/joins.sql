-- Joins between partitioned (co-partitioned on the id), dimension and replicated tables, inner and outer.

-- name: co_partitioned_join_aggregate
SELECT f.grp, count(*) AS c, sum(e.qty) AS q FROM edge_facts f JOIN edge_events e ON f.id = e.fact_id GROUP BY f.grp ORDER BY f.grp NULLS FIRST;

-- name: co_partitioned_left_join
SELECT f.id, count(e.ev_no) AS events, max(e.kind) AS k FROM edge_facts f LEFT JOIN edge_events e ON e.fact_id = f.id WHERE f.id <= 50 GROUP BY f.id ORDER BY f.id;

-- name: co_partitioned_join_scan
SELECT f.id, e.ev_no, e.kind, f.s FROM edge_facts f JOIN edge_events e ON e.fact_id = f.id WHERE f.n > 9900 ORDER BY f.id, e.ev_no;

-- name: dimension_inner_join
SELECT d.dim_name, count(*) AS c, sum(f.amount) AS a FROM edge_facts f JOIN edge_dim d ON f.dim_id = d.dim_id GROUP BY d.dim_name ORDER BY d.dim_name;

-- name: dimension_join_using
SELECT dim_id, dim_rank, count(*) AS c FROM edge_facts JOIN edge_dim USING (dim_id) GROUP BY ALL ORDER BY dim_id;

-- name: dimension_preserved_by_left_join
SELECT d.dim_id, count(f.id) AS facts, sum(f.n) AS s FROM edge_dim d LEFT JOIN edge_facts f ON f.dim_id = d.dim_id GROUP BY d.dim_id ORDER BY d.dim_id;

-- name: dimension_preserved_by_right_join
SELECT d.dim_id, d.dim_name, count(f.id) AS facts FROM edge_facts f RIGHT JOIN edge_dim d ON f.dim_id = d.dim_id GROUP BY ALL ORDER BY d.dim_id;

-- name: full_outer_join_fact_dimension
SELECT coalesce(f.dim_id, d.dim_id) AS key, count(f.id) AS facts, count(d.dim_id) AS dims FROM edge_facts f FULL JOIN edge_dim d ON f.dim_id = d.dim_id
GROUP BY 1 ORDER BY 1 NULLS FIRST;

-- name: fact_left_join_dimension
SELECT f.id, f.dim_id, d.dim_name FROM edge_facts f LEFT JOIN edge_dim d ON f.dim_id = d.dim_id WHERE f.id % 100 = 0 ORDER BY f.id;

-- name: replicated_inner_join
SELECT c.color, count(*) AS cnt, sum(f.n) AS s FROM edge_facts f JOIN edge_colors c ON f.color_id = c.color_id GROUP BY c.color ORDER BY c.color NULLS FIRST;

-- name: replicated_left_join_from_fact
SELECT coalesce(c.color, '∅') AS color, count(*) AS cnt FROM edge_facts f LEFT JOIN edge_colors c USING (color_id) GROUP BY 1 ORDER BY 1;

-- name: replicated_preserved
SELECT c.color_id, c.color, count(f.id) AS facts FROM edge_colors c LEFT JOIN edge_facts f ON f.color_id = c.color_id GROUP BY ALL ORDER BY c.color_id;

-- name: four_way_join
SELECT c.color, d.dim_rank, count(*) AS events, sum(e.qty) AS q
FROM edge_events e JOIN edge_facts f ON e.fact_id = f.id JOIN edge_dim d ON d.dim_id = f.dim_id JOIN edge_colors c ON c.color_id = f.color_id
GROUP BY ALL ORDER BY c.color NULLS FIRST, d.dim_rank NULLS FIRST;

-- name: non_key_join_between_partitioned
SELECT count(*) AS c, sum(f.n) AS s FROM edge_facts f JOIN edge_events e ON f.k = e.qty;

-- name: tiny_join_facts_on_key
SELECT t.label, f.s, f.n FROM edge_tiny t JOIN edge_facts f ON f.id = t.id ORDER BY t.id;

-- name: tiny_left_join_facts_off_key
SELECT t.id, count(f.id) AS matches FROM edge_tiny t LEFT JOIN edge_facts f ON f.k = t.val % 11 GROUP BY t.id ORDER BY t.id;

-- name: join_with_empty_table
SELECT (SELECT count(*) FROM edge_facts f JOIN edge_empty e ON e.id = f.id) AS inner_count,
       (SELECT count(*) FROM edge_facts f LEFT JOIN edge_empty e ON e.id = f.id) AS left_count;

-- name: left_join_empty_table_rows
SELECT f.id, e.val, e.name FROM edge_facts f LEFT JOIN edge_empty e ON e.id = f.id WHERE f.id < 5 ORDER BY f.id;

-- name: semi_and_anti_join
SELECT (SELECT count(*) FROM edge_facts f SEMI JOIN edge_events e ON e.fact_id = f.id) AS with_events,
       (SELECT count(*) FROM edge_facts f ANTI JOIN edge_events e ON e.fact_id = f.id) AS without;

-- name: self_join_tiny
SELECT a.id AS a, b.id AS b FROM edge_tiny a JOIN edge_tiny b ON a.id < b.id ORDER BY 1, 2;

-- name: cross_join_replicated
SELECT c.color_id, count(*) AS c FROM edge_tiny t CROSS JOIN edge_colors c GROUP BY c.color_id ORDER BY 1;

-- name: dimension_only_local
SELECT count(*) AS c, sum(dim_weight) AS w, count(dim_rank) AS ranked FROM edge_dim;

-- name: dimension_and_replicated_local
SELECT d.dim_name, c.color FROM edge_dim d JOIN edge_colors c ON c.color_id = d.dim_id ORDER BY d.dim_name;

-- name: null_safe_join
SELECT count(*) AS c FROM edge_facts f JOIN edge_dim d ON f.dim_id IS NOT DISTINCT FROM d.dim_id;

-- name: asof_join
SELECT t.id, f.id AS fid, f.n FROM edge_tiny t ASOF JOIN edge_facts f ON t.id * 2 >= f.id ORDER BY t.id;

-- name: lateral_join
SELECT t.id, x.m FROM edge_tiny t, LATERAL (SELECT max(n) AS m FROM edge_facts f WHERE f.k = t.val % 11) AS x ORDER BY t.id;

-- name: distinct_count_through_joins
SELECT d.dim_rank, count(DISTINCT e.fact_id) AS facts, sum(e.qty) AS q FROM edge_events e JOIN edge_facts f ON e.fact_id = f.id
JOIN edge_dim d ON d.dim_id = f.dim_id GROUP BY ALL ORDER BY 1 NULLS FIRST;

-- name: tpch_customer_preserved
SELECT c_mktsegment, count(o_orderkey) AS orders, count(*) AS rows FROM customer LEFT JOIN orders ON o_custkey = c_custkey AND o_orderstatus = 'F'
GROUP BY ALL ORDER BY ALL;

-- name: measurements_with_replicated_other_dataset
SELECT count(*) AS c FROM measurements m JOIN edge_colors c ON length(m.station) = c.color_id WHERE m.station LIKE 'A%';
