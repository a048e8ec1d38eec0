-- Holistic and order-sensitive aggregates: median, quantiles, mode, string_agg/list with ORDER BY (gathered).

-- name: median_by_group
SELECT grp, median(n) AS mn, median(g) AS mg, median(dt) AS md FROM edge_facts GROUP BY grp ORDER BY grp NULLS FIRST;

-- name: quantiles_by_key
SELECT k, quantile_cont(n, 0.25) AS q1, quantile_disc(n, 0.9) AS p90, quantile_cont(g, [0.1, 0.5, 0.9]) AS qs
FROM edge_facts GROUP BY k ORDER BY k NULLS FIRST;

-- name: median_of_decimals
SELECT median(amount) AS ma, quantile_disc(precise, 0.5) AS qp, quantile_cont(amount, 0.75) AS q3 FROM edge_facts;

-- name: median_with_nan_and_infinity
SELECT median(f) AS m, quantile_disc(f, 0.99) AS p99, quantile_disc(f, 0.01) AS p01 FROM edge_facts;

-- name: mode_with_a_clear_winner
SELECT k, mode(grp) AS common FROM edge_facts GROUP BY k ORDER BY k NULLS FIRST;

-- name: string_agg_ordered
SELECT grp, string_agg(s, ', ' ORDER BY id) AS joined FROM edge_facts WHERE id <= 100 GROUP BY grp ORDER BY grp NULLS FIRST;

-- name: string_agg_ordered_by_text
SELECT k, string_agg(s, '|' ORDER BY s DESC, id) AS joined FROM edge_facts WHERE id <= 300 GROUP BY k ORDER BY k NULLS FIRST;

-- name: list_ordered_desc
SELECT k, list(id ORDER BY id DESC) AS ids FROM edge_facts WHERE id <= 200 GROUP BY k ORDER BY k NULLS FIRST;

-- name: array_agg_nulls_first
SELECT grp, array_agg(n ORDER BY n NULLS FIRST, id) AS ns FROM edge_facts WHERE id <= 80 GROUP BY grp ORDER BY grp NULLS FIRST;

-- name: list_distinct_sorted
SELECT grp, list_sort(list(DISTINCT s)) AS strings FROM edge_facts GROUP BY grp ORDER BY grp NULLS FIRST;

-- name: list_of_lists
SELECT k, list(tags ORDER BY id) AS all_tags FROM edge_facts WHERE id <= 40 GROUP BY k ORDER BY k NULLS FIRST;

-- name: holistic_over_no_rows
SELECT median(n) AS m, quantile_cont(n, 0.5) AS q, mode(n) AS md, string_agg(s, ',') AS sa, list(id) AS l FROM edge_facts WHERE id < 0;

-- name: holistic_over_all_null
SELECT median(always_null) AS m, mode(always_null) AS md, string_agg(always_null::VARCHAR, ',') AS sa,
       list(always_null ORDER BY id) FILTER (WHERE id <= 3) AS l
FROM edge_facts;

-- name: holistic_over_mostly_empty_shards
SELECT median(val) AS m, quantile_disc(val, 0.5) AS q, string_agg(label, '/' ORDER BY id) AS labels, list(id ORDER BY id) AS ids FROM edge_tiny;

-- name: holistic_over_empty_table
SELECT quantile_disc(val, 0.5) AS q, list(name) AS names, count(*) AS c FROM edge_empty;

-- name: holistic_mixed_with_decomposable
SELECT grp, count(*) AS c, sum(big) AS sb, median(n) AS mn, avg(g) AS ag FROM edge_facts GROUP BY grp ORDER BY grp NULLS FIRST;

-- name: holistic_with_filter
SELECT grp, median(n) FILTER (WHERE flag) AS m, list(id ORDER BY id) FILTER (WHERE id < 50) AS early FROM edge_facts GROUP BY grp ORDER BY grp NULLS FIRST;

-- name: other_statistics
SELECT grp, skewness(g) AS sk, kurtosis(g) AS ku, entropy(k) AS en, mad(n) AS md FROM edge_facts GROUP BY grp ORDER BY grp NULLS FIRST;

-- name: approx_count_distinct
SELECT grp, approx_count_distinct(k) AS k_estimate FROM edge_facts GROUP BY grp ORDER BY grp NULLS FIRST;

-- name: histogram_map
SELECT histogram(k) AS h FROM edge_facts WHERE grp = 'c';

-- name: measurements_median
SELECT station, median(measure) AS m, quantile_cont(measure, 0.9) AS p90 FROM measurements WHERE station < 'B' GROUP BY ALL ORDER BY station;
