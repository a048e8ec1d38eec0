-- DISTINCT aggregates and SELECT DISTINCT.

-- name: count_distinct_global
SELECT count(DISTINCT k) AS ck FROM edge_facts;

-- name: count_distinct_by_group
SELECT grp, count(DISTINCT k) AS ck, count(DISTINCT s) AS cs, count(DISTINCT dim_id) AS cd FROM edge_facts GROUP BY grp ORDER BY grp NULLS FIRST;

-- name: count_distinct_shard_key
SELECT count(DISTINCT id) AS ids, count(*) AS c FROM edge_facts;

-- name: count_distinct_shard_key_by_group
SELECT grp, count(DISTINCT id) AS ids FROM edge_facts GROUP BY grp ORDER BY grp NULLS FIRST;

-- name: other_distinct_aggregates
SELECT sum(DISTINCT k) AS sk, avg(DISTINCT k) AS ak, min(DISTINCT n) AS mn, max(DISTINCT s) AS ms, sum(DISTINCT amount) AS sa FROM edge_facts;

-- name: sum_distinct_overflows
SELECT sum(DISTINCT big) AS s, count(DISTINCT big) AS c FROM edge_facts;

-- name: count_distinct_nulls_bools_lists
SELECT count(DISTINCT always_null) AS cn, count(DISTINCT flag) AS cf, count(DISTINCT tags) AS ct FROM edge_facts;

-- name: count_distinct_special_doubles
SELECT count(DISTINCT f) AS cf, count(DISTINCT f) FILTER (WHERE NOT isfinite(f) OR f = 0) AS specials FROM edge_facts;

-- name: distinct_and_plain_aggregates_mixed
SELECT k, count(DISTINCT grp) AS cg, count(*) AS c, sum(n) AS sn, sum(DISTINCT n % 10) AS sdn FROM edge_facts GROUP BY k ORDER BY k NULLS FIRST;

-- name: string_agg_distinct_ordered
SELECT grp, string_agg(DISTINCT s, '|' ORDER BY s) AS strings FROM edge_facts GROUP BY grp ORDER BY grp NULLS FIRST;

-- name: count_distinct_with_filter
SELECT count(DISTINCT k) FILTER (WHERE flag) AS ck, count(DISTINCT dim_id) FILTER (WHERE grp = 'a') AS cd FROM edge_facts;

-- name: count_distinct_row_value
SELECT count(DISTINCT (k, grp)) AS pairs FROM edge_facts;

-- name: count_distinct_empty_and_tiny
SELECT (SELECT count(DISTINCT val) FROM edge_empty) AS e, (SELECT count(DISTINCT val) FROM edge_tiny) AS t;

-- name: select_distinct_unordered
SELECT DISTINCT grp, flag FROM edge_facts;

-- name: select_distinct_strings_ordered
SELECT DISTINCT s FROM edge_facts ORDER BY s NULLS LAST;

-- name: select_distinct_lists
SELECT DISTINCT tags FROM edge_facts;

-- name: select_distinct_special_doubles
SELECT DISTINCT f FROM edge_facts WHERE NOT isfinite(f) OR f = 0;

-- name: select_distinct_expressions
SELECT DISTINCT k % 3 AS m, grp FROM edge_facts ORDER BY ALL;

-- name: count_of_distinct_rows
SELECT count(*) AS c FROM (SELECT DISTINCT dim_id, grp FROM edge_facts);

-- name: select_distinct_shard_key_join
SELECT DISTINCT e.kind, f.grp FROM edge_events e JOIN edge_facts f ON e.fact_id = f.id ORDER BY ALL;
