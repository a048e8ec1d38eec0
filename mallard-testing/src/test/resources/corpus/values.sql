-- Value edge cases: NaN, ±0.0 and ±infinity doubles; decimals; BIGINT extremes and HUGEINT; non-ASCII ordering;
-- lists, structs and maps in results.

-- name: order_by_special_doubles
SELECT id, f FROM edge_facts WHERE f IS NULL OR NOT isfinite(f) OR f = 0 ORDER BY f NULLS FIRST, id;

-- name: top_n_doubles_desc_nan_first
SELECT id, f FROM edge_facts ORDER BY f DESC NULLS LAST, id LIMIT 60;

-- name: top_n_doubles_asc_infinity_first
SELECT id, f FROM edge_facts ORDER BY f ASC, id LIMIT 50;

-- name: signed_zero_kept
SELECT signbit(f) AS negative, count(*) AS c FROM edge_facts WHERE f = 0 GROUP BY ALL ORDER BY ALL;

-- name: nan_compares_greatest
SELECT count(*) FILTER (WHERE f > 'Infinity'::DOUBLE) AS above_inf, count(*) FILTER (WHERE f = 'NaN'::DOUBLE) AS nans,
       count(*) FILTER (WHERE f < '-Infinity'::DOUBLE) AS below FROM edge_facts;

-- name: nan_inf_classes
SELECT isnan(f) AS nan, isinf(f) AS inf, count(*) AS c FROM edge_facts GROUP BY ALL ORDER BY ALL;

-- name: min_max_without_nan
SELECT min(f) AS lo, max(f) AS hi, sum(f) FILTER (WHERE f = 0) AS zero_sum FROM edge_facts WHERE NOT isnan(f);

-- name: arithmetic_on_special_doubles
SELECT id, f, f * 0 AS times_zero, f + 1 AS plus_one, -f AS negated, f / 2 AS halved FROM edge_facts WHERE id IN (53, 59, 83, 89, 97, 106) ORDER BY id;

-- name: distinct_strings_ordered_desc
SELECT DISTINCT s FROM edge_facts ORDER BY s DESC NULLS FIRST;

-- name: top_n_strings
SELECT id, s FROM edge_facts ORDER BY s, id LIMIT 30;

-- name: top_n_strings_desc_offset
SELECT id, s FROM edge_facts ORDER BY s DESC NULLS LAST, id LIMIT 25 OFFSET 140;

-- name: order_by_nocase_collation
SELECT DISTINCT s FROM edge_facts WHERE s IS NOT NULL ORDER BY s COLLATE nocase, s;

-- name: group_by_upper
SELECT upper(s) AS u, count(*) AS c FROM edge_facts GROUP BY u ORDER BY u NULLS FIRST;

-- name: first_character
SELECT left(s, 1) AS initial, count(*) AS c FROM edge_facts GROUP BY 1 ORDER BY 1 NULLS FIRST;

-- name: non_ascii_equality
SELECT id, s, n FROM edge_facts WHERE s IN ('東京', '🦆 duck', 'é', 'Zürich') ORDER BY id LIMIT 30;

-- name: decimal_top_n
SELECT id, amount, precise FROM edge_facts ORDER BY precise DESC NULLS LAST, id LIMIT 15;

-- name: decimal_arithmetic
SELECT id, amount * 3 AS triple, precise + amount AS total, amount / 7 AS seventh, round(precise, 2) AS rounded FROM edge_facts WHERE id < 30 ORDER BY id;

-- name: decimal_sums_per_day
SELECT dt, sum(precise) AS p, sum(amount) AS a FROM edge_facts GROUP BY dt ORDER BY dt LIMIT 12;

-- name: bigint_extremes_desc
SELECT id, big FROM edge_facts ORDER BY big DESC NULLS LAST, id LIMIT 5;

-- name: bigint_extremes_asc
SELECT id, big FROM edge_facts ORDER BY big ASC NULLS FIRST, id LIMIT 5;

-- name: hugeint_arithmetic
SELECT sum(big) / count(big) AS mean, sum(big) % 1000 AS tail, CAST(sum(big) AS DOUBLE) AS d, sum(big::HUGEINT * 2) AS doubled FROM edge_facts;

-- name: dates_most_frequent
SELECT dt, count(*) AS c FROM edge_facts GROUP BY dt ORDER BY c DESC, dt LIMIT 5;

-- name: lists_ordered
SELECT DISTINCT tags FROM edge_facts ORDER BY tags NULLS FIRST;

-- name: null_safe_comparisons
SELECT count(*) FILTER (WHERE k IS DISTINCT FROM 3) AS not3, count(*) FILTER (WHERE s IS NOT DISTINCT FROM NULL) AS null_s,
       count(*) FILTER (WHERE k = NULL) AS never FROM edge_facts;

-- name: every_type_through_the_wire
SELECT * FROM edge_facts WHERE id % 50 = 0 OR id IN (1, 2, 53, 59, 83, 89, 97);

-- name: tpch_decimal_extremes
SELECT o_orderkey, o_totalprice FROM orders ORDER BY o_totalprice DESC, o_orderkey LIMIT 5;
