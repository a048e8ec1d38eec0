-- DuckDB's own dialect: GROUP BY ALL, FROM-first, QUALIFY, FILTER, DISTINCT ON, star modifiers, list functions.
-- Every ORDER BY is a total order (ties broken by a unique key), so ordered comparison is deterministic.

-- name: group_by_all_order_by_all
SELECT grp, count(*) AS c, sum(n) AS sn FROM edge_facts GROUP BY ALL ORDER BY ALL;

-- name: group_by_all_expression
SELECT k % 3 AS m, flag, count(*) AS c, max(s) AS top FROM edge_facts GROUP BY ALL ORDER BY m NULLS FIRST, flag NULLS FIRST;

-- name: from_first_aggregate
FROM edge_facts SELECT grp, max(n) AS mx, min(dt) AS first_day GROUP BY grp ORDER BY grp NULLS FIRST;

-- name: from_first_where_limit
FROM edge_facts SELECT id, s, n WHERE k = 3 ORDER BY id LIMIT 10;

-- name: from_only_tiny
FROM edge_tiny;

-- name: from_first_join
FROM edge_facts f JOIN edge_dim d USING (dim_id) SELECT d.dim_name, count(*) AS c GROUP BY ALL ORDER BY c DESC, d.dim_name LIMIT 5;

-- name: qualify_row_number
SELECT grp, id, n FROM edge_facts QUALIFY row_number() OVER (PARTITION BY grp ORDER BY n DESC NULLS LAST, id) = 1 ORDER BY grp NULLS FIRST;

-- name: qualify_rank_over_groups
SELECT dim_id, count(*) AS c, rank() OVER (ORDER BY count(*) DESC) AS r FROM edge_facts GROUP BY dim_id QUALIFY r <= 3 ORDER BY r, dim_id NULLS FIRST;

-- name: qualify_on_shard_key_partition
SELECT fact_id, ev_no, qty FROM edge_events QUALIFY max(ev_no) OVER (PARTITION BY fact_id) = 3 AND ev_no = 2 ORDER BY fact_id LIMIT 20;

-- name: filter_clause_by_group
SELECT grp, count(*) FILTER (WHERE flag) AS t, count(*) FILTER (WHERE NOT flag) AS f, sum(n) FILTER (WHERE n > 0) AS pos,
       avg(g) FILTER (WHERE k = 2) AS avg_k2
FROM edge_facts GROUP BY grp ORDER BY grp NULLS FIRST;

-- name: filter_clause_matching_nothing
SELECT count(*) FILTER (WHERE n > 1000000) AS c, sum(n) FILTER (WHERE n > 1000000) AS s, min(s) FILTER (WHERE false) AS m,
       sum(big) FILTER (WHERE big < 0) AS negative_big
FROM edge_facts;

-- name: distinct_on_best_per_group
SELECT DISTINCT ON (grp) grp, id, n FROM edge_facts ORDER BY grp, n DESC NULLS LAST, id;

-- name: distinct_on_two_keys
SELECT DISTINCT ON (k, flag) k, flag, s, id FROM edge_facts ORDER BY k, flag, id;

-- name: star_exclude
SELECT * EXCLUDE (tags, precise, s) FROM edge_facts WHERE id BETWEEN 100 AND 110 ORDER BY id;

-- name: star_replace
SELECT * REPLACE (upper(label) AS label, val * 2 AS val) FROM edge_tiny ORDER BY id;

-- name: columns_regex_aggregate
SELECT max(COLUMNS('^(k|n|g)$')) FROM edge_facts;

-- name: list_functions
SELECT id, len(tags) AS n_tags, list_sort(tags) AS sorted, list_contains(tags, 'red') AS has_red, tags[1] AS first_tag,
       tags[-1] AS last_tag
FROM edge_facts WHERE id <= 60 ORDER BY id;

-- name: list_lambdas
SELECT id, list_transform(tags, lambda x: upper(x)) AS up, list_filter(tags, lambda x: x <> 'red') AS no_red,
       list_reduce(['a', 'b'] || tags, lambda a, b: a || b) AS joined
FROM edge_facts WHERE id % 97 < 3 ORDER BY id;

-- name: list_aggregates_per_row
SELECT grp, sum(len(tags)) AS total_tags, count(*) FILTER (WHERE list_contains(tags, '🦆')) AS ducks
FROM edge_facts GROUP BY grp ORDER BY grp NULLS FIRST;

-- name: unnest_tags
SELECT tag, count(*) AS c FROM (SELECT unnest(tags) AS tag FROM edge_facts) GROUP BY tag ORDER BY tag NULLS FIRST;

-- name: struct_pack_output
SELECT id, {'g': grp, 'n': n, 'tags': tags} AS st FROM edge_facts WHERE id <= 12 ORDER BY id;

-- name: having_on_select_alias
SELECT grp, count(*) AS c FROM edge_facts GROUP BY grp HAVING c > 500 ORDER BY c;

-- name: case_coalesce_nullif
SELECT id, CASE WHEN n > 0 THEN 'pos' WHEN n < 0 THEN 'neg' WHEN n = 0 THEN 'zero' END AS sign, coalesce(k, -1) AS k0,
       ifnull(s, '∅') AS s0, nullif(k, 0) AS k_or_null
FROM edge_facts WHERE id < 40 ORDER BY id;

-- name: integer_division_buckets
SELECT n // 2500 AS bucket, count(*) AS c, sum(n) AS total FROM edge_facts GROUP BY ALL ORDER BY bucket NULLS FIRST;

-- name: try_cast_strings
SELECT try_cast(s AS INTEGER) AS v, count(*) AS c FROM edge_facts GROUP BY ALL ORDER BY ALL;

-- name: date_functions
SELECT date_trunc('month', dt) AS m, count(*) AS c, min(dt) AS lo, max(dt) AS hi, count(DISTINCT dayofweek(dt)) AS dows
FROM edge_facts GROUP BY ALL ORDER BY m;

-- name: string_functions_non_ascii
SELECT s, upper(s) AS u, lower(s) AS l, length(s) AS len, strlen(s) AS bytes, reverse(s) AS r, s || '|' AS piped
FROM (SELECT DISTINCT s FROM edge_facts) ORDER BY s NULLS FIRST;

-- name: ilike_and_regex
SELECT id, s FROM edge_facts WHERE s ILIKE '%pfel%' OR regexp_matches(s, '^[東北]') OR s ~~ 'Z%' ORDER BY id LIMIT 40;

-- name: values_cross_join
SELECT v, count(*) AS c FROM edge_facts, (VALUES (1), (2), (NULL)) AS t(v) WHERE k = v GROUP BY v ORDER BY v;

-- name: upper_case_identifiers
SELECT GRP, COUNT(*) AS C FROM EDGE_FACTS GROUP BY GRP ORDER BY GRP NULLS LAST;

-- name: pivot_flag_counts
SELECT * FROM (PIVOT edge_facts ON flag IN (true, false) USING count(*) GROUP BY grp) ORDER BY grp NULLS FIRST;
