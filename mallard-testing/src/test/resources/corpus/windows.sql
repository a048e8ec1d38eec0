-- Window functions over rows and over grouped results.

-- name: row_number_per_group
SELECT id, grp, row_number() OVER (PARTITION BY grp ORDER BY id) AS rn FROM edge_facts WHERE id <= 200 ORDER BY id;

-- name: rank_with_ties
SELECT id, k, rank() OVER (ORDER BY k NULLS LAST) AS r, dense_rank() OVER (ORDER BY k NULLS LAST) AS dr FROM edge_facts WHERE id <= 100 ORDER BY id;

-- name: running_sum
SELECT id, sum(n) OVER (ORDER BY id ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS running FROM edge_facts WHERE id <= 300 ORDER BY id;

-- name: running_sum_overflowing
SELECT id, sum(big) OVER (ORDER BY id) AS running FROM edge_facts WHERE id <= 40 ORDER BY id;

-- name: lag_lead
SELECT id, s, lag(s) OVER (ORDER BY id) AS prev, lead(n, 2, 0) OVER (PARTITION BY grp ORDER BY id) AS next2 FROM edge_facts WHERE id <= 150 ORDER BY id;

-- name: window_over_grouped_result
SELECT grp, sum(n) AS t, sum(sum(n)) OVER () AS total, rank() OVER (ORDER BY sum(n) DESC) AS r FROM edge_facts GROUP BY grp ORDER BY grp NULLS FIRST;

-- name: window_over_grouped_hugeint
SELECT grp, sum(big) AS t, sum(sum(big)) OVER (ORDER BY grp NULLS FIRST) AS running FROM edge_facts GROUP BY grp ORDER BY grp NULLS FIRST;

-- name: share_of_total
SELECT dim_id, count(*) AS c, count(*) / sum(count(*)) OVER () AS share FROM edge_facts GROUP BY dim_id ORDER BY dim_id NULLS FIRST;

-- name: ntile_percent_rank_cume_dist
SELECT id, ntile(4) OVER (ORDER BY n, id) AS quartile, percent_rank() OVER (ORDER BY g) AS pr, cume_dist() OVER (ORDER BY k) AS cd
FROM edge_facts WHERE id <= 120 ORDER BY id;

-- name: first_last_value_ignore_nulls
SELECT id, first_value(s) OVER (PARTITION BY grp ORDER BY id) AS first_s,
       last_value(s IGNORE NULLS) OVER (PARTITION BY grp ORDER BY id ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS last_s
FROM edge_facts WHERE id <= 100 ORDER BY id;

-- name: window_partitioned_by_shard_key
SELECT fact_id, ev_no, sum(qty) OVER (PARTITION BY fact_id ORDER BY ev_no) AS running_qty, count(*) OVER (PARTITION BY fact_id) AS events
FROM edge_events WHERE fact_id < 100 ORDER BY fact_id, ev_no;

-- name: range_frame_over_dates
SELECT id, dt, count(*) OVER (ORDER BY dt RANGE BETWEEN INTERVAL 7 DAYS PRECEDING AND CURRENT ROW) AS last_week
FROM edge_facts WHERE id % 40 = 0 ORDER BY id;

-- name: window_avg_special_doubles
SELECT id, f, avg(f) OVER (PARTITION BY grp) AS group_avg, max(f) OVER (PARTITION BY grp) AS group_max FROM edge_facts WHERE id % 89 = 0 ORDER BY id;

-- name: window_over_empty_table
SELECT id, count(*) OVER () AS c FROM edge_empty;

-- name: window_over_tiny_table
SELECT id, label, sum(val) OVER (ORDER BY id) AS running, row_number() OVER (ORDER BY label) AS rn FROM edge_tiny ORDER BY id;

-- name: window_string_extremes
SELECT id, k, max(s) OVER (PARTITION BY k) AS top, min(s) OVER (PARTITION BY k) AS bottom FROM edge_facts WHERE id <= 50 ORDER BY id;

-- name: named_window
SELECT id, sum(n) OVER w AS s, count(*) OVER w AS c FROM edge_facts WHERE id < 100 WINDOW w AS (PARTITION BY k ORDER BY id) ORDER BY id;

-- name: window_list_frame
SELECT id, list(id) OVER (ORDER BY id ROWS BETWEEN 2 PRECEDING AND CURRENT ROW) AS last3 FROM edge_facts WHERE id <= 20 ORDER BY id;

-- name: measurements_top_per_station
SELECT station, measure, rank() OVER (PARTITION BY station ORDER BY measure DESC) AS r FROM measurements WHERE station LIKE 'Ab%'
QUALIFY r <= 2 ORDER BY station, r, measure;
