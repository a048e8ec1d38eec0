-- UNION, EXCEPT and INTERSECT, with and without ALL, over partitioned, tiny and empty tables.

-- name: union_distinct
SELECT grp FROM edge_facts UNION SELECT label FROM edge_tiny;

-- name: union_all
SELECT k FROM edge_facts UNION ALL SELECT val FROM edge_tiny;

-- name: except_distinct
SELECT k FROM edge_facts EXCEPT SELECT val FROM edge_tiny;

-- name: intersect_ordered
SELECT k FROM edge_facts INTERSECT SELECT qty FROM edge_events ORDER BY k NULLS FIRST;

-- name: except_all
SELECT k FROM edge_facts EXCEPT ALL SELECT qty FROM edge_events;

-- name: intersect_all
SELECT k, flag FROM edge_facts INTERSECT ALL SELECT qty % 11, ev_no = 2 FROM edge_events;

-- name: union_of_aggregates
SELECT grp, count(*) AS c FROM edge_facts GROUP BY grp UNION ALL SELECT 'events', count(*) FROM edge_events ORDER BY 1 NULLS FIRST, 2;

-- name: union_by_name
SELECT id, label FROM edge_tiny UNION ALL BY NAME SELECT 'x' AS label, id FROM edge_empty UNION ALL BY NAME SELECT id, s AS label FROM edge_facts WHERE id < 4;

-- name: union_collapses_nulls
SELECT s FROM edge_facts WHERE s IS NULL UNION SELECT NULL;

-- name: union_with_empty_table
SELECT id FROM edge_empty UNION ALL SELECT id FROM edge_tiny ORDER BY id;

-- name: except_empty_table
SELECT id, val FROM edge_tiny EXCEPT SELECT id, val FROM edge_empty;

-- name: intersect_special_doubles
SELECT f FROM edge_facts INTERSECT SELECT f FROM edge_facts WHERE NOT isfinite(f) OR f = 0;

-- name: union_of_lists
SELECT tags FROM edge_facts WHERE id < 100 UNION SELECT ['x'];

-- name: count_over_union
SELECT count(*) AS c FROM (SELECT dim_id FROM edge_facts UNION SELECT dim_id FROM edge_dim);

-- name: union_of_top_n
(SELECT id FROM edge_facts ORDER BY id LIMIT 3) UNION ALL (SELECT id FROM edge_facts ORDER BY id DESC LIMIT 3) ORDER BY id;
