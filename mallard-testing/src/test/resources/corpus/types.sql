-- Types through the wire: every DuckDB type a query can produce, in scan results (worker → coordinator → client) and
-- as partial aggregates (worker → Arrow → combine → client).

-- name: scan_derived_types
SELECT id, id::TINYINT AS ti, id::SMALLINT AS si, id::UTINYINT AS ut, id::UBIGINT AS ub, id::HUGEINT AS hi, g::FLOAT AS fl,
       amount::DECIMAL(9,2) AS d9, amount::DECIMAL(4,0) AS d4, dt::TIMESTAMP AS ts, make_time(id % 24, id % 60, 1.5) AS t,
       to_days(id::INTEGER) AS iv, encode(s) AS bl, flag::VARCHAR AS fv
FROM edge_facts WHERE id <= 99 AND amount BETWEEN -9999 AND 9999 ORDER BY id;

-- name: scan_timestamptz
SELECT id, dt::TIMESTAMPTZ AS tz FROM edge_facts WHERE id <= 5 ORDER BY id;

-- name: scan_uuid
SELECT id, ('00000000-0000-0000-0000-' || lpad(id::VARCHAR, 12, '0'))::UUID AS u FROM edge_facts WHERE id <= 9 ORDER BY id;

-- name: scan_enum
SELECT id, grp::ENUM('a', 'b', 'c', 'd') AS e FROM edge_facts WHERE id <= 9 ORDER BY id;

-- name: aggregate_partials_of_small_types
SELECT grp, sum((id % 100)::TINYINT) AS st, max(id::SMALLINT) AS ms, min(g::FLOAT) AS mf, max(amount::DECIMAL(9,2)) AS md,
       sum(id::UBIGINT) AS su, max(dt::TIMESTAMP) AS mt
FROM edge_facts GROUP BY grp ORDER BY grp NULLS FIRST;

-- name: aggregate_partials_of_hugeint
SELECT grp, sum(big::HUGEINT * 1000000000) AS scaled, max(big::HUGEINT * 4) AS m FROM edge_facts GROUP BY grp ORDER BY grp NULLS FIRST;

-- name: aggregate_partials_of_intervals_and_times
SELECT k, max(to_days(id::INTEGER)) AS mi, min(make_time(id % 24, 0, 0)) AS mt FROM edge_facts GROUP BY k ORDER BY k NULLS FIRST;

-- name: aggregate_partials_of_blobs_and_uuids
SELECT grp, max(encode(s)) AS mb, min(('00000000-0000-0000-0000-' || lpad(id::VARCHAR, 12, '0'))::UUID) AS mu FROM edge_facts GROUP BY grp ORDER BY grp NULLS FIRST;

-- name: group_by_timestamp
SELECT date_trunc('month', dt::TIMESTAMP) AS m, count(*) AS c FROM edge_facts GROUP BY ALL ORDER BY m;

-- name: group_by_enum
SELECT grp::ENUM('d', 'c', 'b', 'a') AS e, count(*) AS c FROM edge_facts GROUP BY ALL ORDER BY e NULLS FIRST;

-- name: decimal_sum_widths
SELECT sum(amount::DECIMAL(4,0)) AS s4, sum(amount::DECIMAL(9,2)) AS s9, sum(amount) AS s18, sum(precise) AS s38, avg(amount::DECIMAL(4,0)) AS a4
FROM edge_facts WHERE amount BETWEEN -9999 AND 9999;

-- name: nested_list_of_structs
SELECT id, [{'k': k, 'd': dt}] AS ls, [tags, tags] AS lol, map([1, 2], [s, grp]) AS m FROM edge_facts WHERE id <= 6 ORDER BY id;

-- name: fixed_size_array
SELECT id, [id, id * 2, id * 3]::BIGINT[3] AS arr FROM edge_facts WHERE id <= 4 ORDER BY id;

-- name: enum_top_n_in_enum_order
SELECT id, grp::ENUM('d', 'c', 'b', 'a') AS e FROM edge_facts ORDER BY e NULLS FIRST, id LIMIT 12;

-- name: enum_min_max_partials
SELECT k, min(grp::ENUM('d', 'c', 'b', 'a')) AS lo, max(grp::ENUM('d', 'c', 'b', 'a')) AS hi FROM edge_facts GROUP BY k ORDER BY k NULLS FIRST;

-- name: strings_with_nul_bytes
SELECT id, s || chr(0) || 'x' AS z, length(s || chr(0)) AS l FROM edge_facts WHERE id <= 5 ORDER BY id;
