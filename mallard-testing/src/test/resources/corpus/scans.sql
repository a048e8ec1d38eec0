-- Scans: filters, projections, ORDER BY … LIMIT top-N, LIMIT/OFFSET, empty and mostly empty shards.

-- name: top_n_desc_nulls_last
SELECT id, n FROM edge_facts ORDER BY n DESC NULLS LAST, id LIMIT 10;

-- name: top_n_nulls_first
SELECT id, n FROM edge_facts ORDER BY n NULLS FIRST, id LIMIT 10;

-- name: limit_with_offset
SELECT id, g FROM edge_facts ORDER BY g, id LIMIT 10 OFFSET 100;

-- name: limit_zero
SELECT id FROM edge_facts ORDER BY id LIMIT 0;

-- name: offset_only
SELECT id, s FROM edge_facts ORDER BY id OFFSET 3990;

-- name: offset_past_the_end
SELECT id, s FROM edge_facts ORDER BY id DESC LIMIT 5 OFFSET 10000;

-- name: limit_percent
SELECT id FROM edge_facts ORDER BY id LIMIT 0.5%;

-- name: count_of_unordered_limit
SELECT count(*) AS c FROM (SELECT id FROM edge_facts LIMIT 17);

-- name: tiny_table_ordered
SELECT * FROM edge_tiny ORDER BY id;

-- name: tiny_table_top_n
SELECT id, label FROM edge_tiny ORDER BY label DESC LIMIT 2;

-- name: empty_table_scan
SELECT * FROM edge_empty;

-- name: empty_table_top_n
SELECT * FROM edge_empty ORDER BY id LIMIT 3;

-- name: filter_in_list_non_ascii
SELECT id, s, n FROM edge_facts WHERE s IN ('ñandú', 'Σίσυφος', '') ORDER BY id LIMIT 25;

-- name: filter_between
SELECT id, n FROM edge_facts WHERE n BETWEEN -50 AND 50 ORDER BY id;

-- name: filter_on_all_null_column
SELECT count(*) FILTER (WHERE always_null IS NULL) AS nulls, count(*) FILTER (WHERE always_null = 1) AS ones FROM edge_facts;

-- name: filter_two_nulls
SELECT id, n FROM edge_facts WHERE k IS NULL AND grp IS NULL ORDER BY id;

-- name: filter_boolean_top_n_offset
SELECT id, n FROM edge_facts WHERE flag ORDER BY n DESC NULLS LAST, id LIMIT 3 OFFSET 2;

-- name: unordered_filtered_scan
SELECT id, grp, k, tags FROM edge_facts WHERE k = 0;

-- name: top_n_decimal_filtered
SELECT id, precise FROM edge_facts WHERE precise > 0 ORDER BY precise, id LIMIT 5;

-- name: top_n_on_expression
SELECT id, abs(n) AS a FROM edge_facts ORDER BY a DESC NULLS LAST, id LIMIT 5;

-- name: order_by_unselected_column
SELECT id FROM edge_facts ORDER BY g DESC NULLS LAST, id LIMIT 5;

-- name: order_by_ordinals
SELECT s, id FROM edge_facts ORDER BY 1 NULLS FIRST, 2 LIMIT 12;

-- name: filter_on_list_column
SELECT id, tags FROM edge_facts WHERE list_contains(tags, '青') AND len(tags) > 2 ORDER BY id LIMIT 20;

-- name: filter_on_date_range
SELECT count(*) AS c, min(id) AS lo, max(id) AS hi FROM edge_facts WHERE dt BETWEEN DATE '2024-03-01' AND DATE '2024-03-31';

-- name: tpch_top_n_scan
SELECT l_orderkey, l_linenumber, l_shipdate FROM lineitem WHERE l_quantity > 49 ORDER BY l_shipdate DESC, l_orderkey, l_linenumber LIMIT 8;
