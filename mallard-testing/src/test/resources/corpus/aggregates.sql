-- Every decomposable aggregate of DESIGN.md §4, with NULLs, empty inputs, empty shards and an all-NULL column.

-- name: counts
SELECT count(*) AS c, count(k) AS ck, count(always_null) AS cn, count(s) AS cs, count(tags) AS ct, count(1) AS c1 FROM edge_facts;

-- name: sum_overflows_int64
SELECT sum(big) AS total FROM edge_facts;

-- name: sum_overflows_int64_by_group
SELECT grp, sum(big) AS total, count(big) AS c FROM edge_facts GROUP BY grp ORDER BY grp NULLS FIRST;

-- name: sum_overflow_in_expression
SELECT sum(big) - sum(big // 2) AS half, sum(big) > 9223372036854775807 AS overflowed, CAST(sum(big) AS VARCHAR) AS text
FROM edge_facts;

-- name: avg_of_huge_bigints
SELECT grp, avg(big) AS a FROM edge_facts GROUP BY grp ORDER BY grp NULLS FIRST;

-- name: sum_integers_by_key
SELECT k, sum(n) AS sn, sum(k) AS sk, sum(id) AS sid FROM edge_facts GROUP BY k ORDER BY k NULLS FIRST;

-- name: sum_decimals
SELECT grp, sum(amount) AS a, sum(precise) AS p, min(precise) AS lo, max(precise) AS hi FROM edge_facts GROUP BY grp ORDER BY grp NULLS FIRST;

-- name: avg_decimals
SELECT grp, avg(amount) AS a, avg(precise) AS p FROM edge_facts GROUP BY grp ORDER BY grp NULLS FIRST;

-- name: min_max_every_type
SELECT min(id), max(id), min(n), max(n), min(big), max(big), min(amount), max(amount), min(precise), max(precise),
       min(f), max(f), min(g), max(g), min(s), max(s), min(dt), max(dt), min(flag), max(flag), min(tags), max(tags)
FROM edge_facts;

-- name: min_max_strings_by_group
SELECT grp, min(s) AS lo, max(s) AS hi FROM edge_facts GROUP BY grp ORDER BY grp NULLS FIRST;

-- name: avg_mixed_types
SELECT grp, avg(g) AS ag, avg(n) AS an, avg(k) AS ak, avg(id) AS aid FROM edge_facts GROUP BY grp ORDER BY grp NULLS FIRST;

-- name: variance_family
SELECT grp, var_samp(g) AS vs, var_pop(g) AS vp, stddev_samp(g) AS ss, stddev_pop(g) AS sp, variance(n) AS v, stddev(n) AS sd
FROM edge_facts GROUP BY grp ORDER BY grp NULLS FIRST;

-- name: variance_single_row_and_null_groups
SELECT id % 1000 AS b, var_samp(n) AS vs, stddev_samp(n) AS ss, var_pop(n) AS vp, stddev_pop(k) AS sk
FROM edge_facts WHERE id <= 1500 GROUP BY b ORDER BY b;

-- name: variance_with_nan_and_infinity
SELECT var_pop(f) AS vp, stddev_samp(f) AS ss FROM edge_facts;

-- name: variance_of_finite_doubles
SELECT grp, var_samp(f) AS vs, stddev_pop(f) AS sp FROM edge_facts WHERE isfinite(f) GROUP BY grp ORDER BY grp NULLS FIRST;

-- name: bool_and_or
SELECT grp, bool_and(flag) AS all_true, bool_or(flag) AS any_true, bool_and(n > -10001) AS all_big, bool_or(always_null IS NOT NULL) AS any_null
FROM edge_facts GROUP BY grp ORDER BY grp NULLS FIRST;

-- name: bool_over_all_null
SELECT bool_and(always_null > 0) AS a, bool_or(always_null > 0) AS o FROM edge_facts;

-- name: bit_aggregates_integers
SELECT k, bit_and(n) AS a, bit_or(n) AS o, bit_xor(n) AS x, bit_xor(id) AS xid FROM edge_facts GROUP BY k ORDER BY k NULLS FIRST;

-- name: bit_aggregates_bigints
SELECT grp, bit_or(big) AS o, bit_xor(big) AS x, bit_and(big) AS a FROM edge_facts GROUP BY grp ORDER BY grp NULLS FIRST;

-- name: arg_min_max_unique_keys
SELECT grp, arg_min(id, n) AS id_of_min_n, arg_max(id, n) AS id_of_max_n, min_by(s, id) AS first_s, max_by(dt, id) AS last_dt
FROM edge_facts GROUP BY grp ORDER BY grp NULLS FIRST;

-- name: arg_max_with_null_values
SELECT grp, arg_max(k, id) AS k_of_max_id, arg_min(s, id) AS s_of_min_id FROM edge_facts GROUP BY grp ORDER BY grp NULLS FIRST;

-- name: arg_max_global_null_values
SELECT arg_max(k, id) AS k_of_max_id, arg_min(k, id) AS k_of_min_id, max_by(s, n) AS s_of_max_n FROM edge_facts;

-- name: any_value_functionally_dependent
SELECT f.dim_id, any_value(d.dim_name) AS name, count(*) AS c FROM edge_facts f JOIN edge_dim d ON f.dim_id = d.dim_id GROUP BY f.dim_id ORDER BY f.dim_id;

-- name: any_value_single_non_null
SELECT grp, any_value(CASE WHEN id = 500 THEN s END) AS only, any_value(always_null) AS none FROM edge_facts GROUP BY grp ORDER BY grp NULLS FIRST;

-- name: product_small
SELECT k, product(CASE WHEN id <= 60 THEN (n % 7)::DOUBLE END) AS p FROM edge_facts GROUP BY k ORDER BY k NULLS FIRST;

-- name: global_aggregates_over_no_rows
SELECT count(*) AS c, count(n) AS cn, sum(n) AS sn, avg(n) AS an, min(s) AS ms, max(s) AS xs, var_samp(g) AS vs,
       bool_and(flag) AS ba, bit_or(n) AS bo, arg_max(id, n) AS am, sum(big) AS sb, stddev_pop(g) AS sp
FROM edge_facts WHERE id < 0;

-- name: grouped_aggregates_over_no_rows
SELECT grp, count(*) AS c, sum(n) AS s FROM edge_facts WHERE id < 0 GROUP BY grp;

-- name: filter_matches_nothing_in_group
SELECT k, count(*) AS c FROM edge_facts WHERE grp = 'no such group' GROUP BY k;

-- name: aggregates_over_empty_table
SELECT count(*) AS c, sum(val) AS s, avg(val) AS a, max(name) AS m, bool_or(val > 0) AS b, var_pop(val) AS v FROM edge_empty;

-- name: group_by_over_empty_table
SELECT val, count(*) AS c FROM edge_empty GROUP BY val;

-- name: aggregates_over_mostly_empty_shards
SELECT count(*) AS c, sum(val) AS s, avg(val) AS a, min(label) AS lo, max(label) AS hi, var_pop(val) AS v, stddev_samp(val) AS sd,
       arg_max(label, val) AS top, bit_xor(val) AS x
FROM edge_tiny;

-- name: group_by_over_mostly_empty_shards
SELECT label, sum(val) AS s, count(val) AS c FROM edge_tiny GROUP BY label ORDER BY label;

-- name: all_null_column
SELECT sum(always_null) AS s, avg(always_null) AS a, min(always_null) AS lo, max(always_null) AS hi, count(always_null) AS c,
       var_samp(always_null) AS v, bit_and(always_null) AS b, stddev_pop(always_null) AS sd, arg_max(id, always_null) AS am
FROM edge_facts;

-- name: all_null_column_by_group
SELECT grp, sum(always_null) AS s, count(always_null) AS c, max(always_null) AS m, avg(always_null) AS a FROM edge_facts GROUP BY grp ORDER BY grp NULLS FIRST;

-- name: expressions_around_aggregates
SELECT grp, sum(amount) / count(amount) AS mean, sum(n) * 2 + 1 AS twice, max(n) - min(n) AS spread, round(avg(g), 3) AS r,
       sum(n)::DOUBLE / nullif(sum(k), 0) AS ratio
FROM edge_facts GROUP BY grp ORDER BY grp NULLS FIRST;

-- name: expressions_inside_aggregates
SELECT grp, sum(amount * (1 - k / 100)) AS discounted, avg(n * 2 + coalesce(k, 0)) AS a, sum(CASE WHEN flag THEN 1 ELSE 0 END) AS trues,
       max(length(s)) AS longest
FROM edge_facts GROUP BY grp ORDER BY grp NULLS FIRST;

-- name: having_on_aggregates
SELECT dim_id, count(*) AS c, sum(n) AS s FROM edge_facts GROUP BY dim_id HAVING count(*) > 95 AND sum(n) IS NOT NULL ORDER BY dim_id NULLS FIRST;

-- name: having_on_unselected_aggregate
SELECT k FROM edge_facts GROUP BY k HAVING avg(g) > 1003000 ORDER BY k NULLS FIRST;

-- name: order_by_aggregate_top_n
SELECT dim_id, sum(n) AS t FROM edge_facts GROUP BY dim_id ORDER BY t DESC, dim_id NULLS FIRST LIMIT 7;

-- name: group_by_date_parts
SELECT year(dt) AS y, month(dt) AS m, count(*) AS c, sum(amount) AS a FROM edge_facts GROUP BY y, m ORDER BY y, m;

-- name: group_by_boolean_with_null
SELECT flag, count(*) AS c, min(id) AS first_id FROM edge_facts GROUP BY flag ORDER BY flag NULLS FIRST;

-- name: group_by_special_doubles
SELECT f, count(*) AS c FROM edge_facts WHERE isnan(f) OR isinf(f) OR f = 0 GROUP BY f ORDER BY f;

-- name: group_by_list
SELECT tags, count(*) AS c FROM edge_facts GROUP BY tags ORDER BY c DESC, tags NULLS FIRST LIMIT 10;

-- name: group_by_decimal
SELECT amount, count(*) AS c FROM edge_facts GROUP BY amount HAVING count(*) > 1 ORDER BY amount NULLS FIRST;

-- name: sums_of_special_doubles
SELECT grp, sum(f) AS s, min(f) AS lo, max(f) AS hi, avg(f) AS a FROM edge_facts GROUP BY grp ORDER BY grp NULLS FIRST;

-- name: exact_double_sums
SELECT dim_id, sum(g) AS s, avg(g) AS a, sum(f) FILTER (WHERE isfinite(f)) AS finite FROM edge_facts GROUP BY dim_id ORDER BY dim_id NULLS FIRST;

-- name: constant_aggregates
SELECT count(1) AS c, sum(1) AS s, max('x') AS m, min(NULL::INTEGER) AS nothing FROM edge_facts WHERE k = 2;

-- name: measurements_challenge_shape
SELECT station, min(measure) AS lo, avg(measure) AS mean, max(measure) AS hi, count(*) AS c FROM measurements WHERE station LIKE 'Z%' GROUP BY station ORDER BY station;

-- name: tpch_revenue_by_flag
SELECT l_returnflag, sum(l_extendedprice * (1 - l_discount)) AS revenue, avg(l_quantity) AS q, stddev_samp(l_tax) AS sd
FROM lineitem GROUP BY ALL ORDER BY ALL;
