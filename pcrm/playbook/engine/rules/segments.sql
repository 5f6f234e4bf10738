-- Segments per customer (issue 4, policy tables): AUM, potential (given or estimated),
-- quadrant, tier with fast-up / slow-down, maintenance interval capped by tier.
-- One bit per product type (for the breadth: distinct types, as a bit count) and whether a
-- product counts in AUM or is above the risk-free levels; holdings are then aggregated
-- once per customer.
CREATE OR REPLACE TEMP VIEW product_facts AS
SELECT p.id, p.name, p.product_type, p.risk_level,
       CASE WHEN p.product_type IN ($aum_types) THEN 1 ELSE 0 END AS in_aum,
       CAST(POWER(2, DENSE_RANK() OVER (ORDER BY p.product_type) - 1) AS BIGINT) AS type_bit,
       CASE WHEN p.risk_level <> '' AND p.risk_level NOT IN ($risk_free_levels) THEN 1 ELSE 0 END AS risky
FROM products p;

CREATE OR REPLACE TEMP VIEW holding_facts AS
SELECT h.id, h.customer_id, h.principal_c, h.mv_c, h.matures_on,
       p.name AS product_name, p.product_type, p.risk_level, p.in_aum, p.type_bit, p.risky
FROM holdings h JOIN product_facts p ON p.id = h.product_id;

CREATE OR REPLACE TEMP VIEW assets AS
SELECT customer_id, SUM(CASE WHEN in_aum = 1 THEN mv_c ELSE 0 END) AS aum_c,
       BIT_COUNT(BIT_OR(CASE WHEN in_aum = 1 THEN type_bit ELSE 0 END)) AS breadth,
       SUM(risky) AS risky
FROM holding_facts GROUP BY customer_id;

CREATE OR REPLACE TEMP VIEW flows AS
SELECT customer_id,
       SUM(CASE WHEN booked_on >= $trend_start THEN amount_c ELSE 0 END) AS net_c,
       MAX(CASE WHEN booked_on >= $trend_start AND amount_c >= $inflow_c THEN 1 ELSE 0 END) AS large_inflow
FROM txns GROUP BY customer_id;

CREATE OR REPLACE TEMP VIEW signals AS
SELECT c.*, COALESCE(a.aum_c, 0) AS aum_c, COALESCE(a.breadth, 0) AS breadth,
       COALESCE(a.risky, 0) AS risky,
       r.last_reached_on,
       CASE WHEN COALESCE(a.aum_c, 0) - COALESCE(f.net_c, 0) > 0
             AND COALESCE(f.net_c, 0) * 100 >= $trend_pct * (COALESCE(a.aum_c, 0) - COALESCE(f.net_c, 0))
            THEN 1 ELSE 0 END AS s_trend,
       COALESCE(f.large_inflow, 0) AS s_inflow,
       CASE WHEN COALESCE(a.breadth, 0) >= $breadth_min THEN 1 ELSE 0 END AS s_breadth,
       CASE WHEN c.birth_date IS NOT NULL
             AND $d_year - YEAR(c.birth_date) BETWEEN $age_min AND $age_max THEN 1 ELSE 0 END AS s_age
FROM customers c
LEFT JOIN assets a ON a.customer_id = c.id
LEFT JOIN flows f ON f.customer_id = c.id
LEFT JOIN reached r ON r.customer_id = c.id;

CREATE OR REPLACE TEMP VIEW rated AS
SELECT s.*,
       CASE WHEN s.potential IS NULL THEN 1 ELSE 0 END AS potential_estimated,
       COALESCE(s.potential, LEAST(100, $est_base + s.s_trend * $w_trend + s.s_inflow * $w_inflow
                                        + s.s_breadth * $w_breadth + s.s_age * $w_age)) AS potential_final,
       CASE WHEN s.aum_c >= $diamond_c THEN 3 WHEN s.aum_c >= $platinum_c THEN 2
            WHEN s.aum_c >= $gold_c THEN 1 ELSE 0 END AS aum_rank,
       CASE p.tier WHEN 'diamond' THEN 3 WHEN 'platinum' THEN 2 WHEN 'gold' THEN 1 ELSE 0 END AS prev_rank,
       p.tier_since AS prev_since, p.below_floor_since AS prev_below
FROM signals s LEFT JOIN prev_segments p ON p.customer_id = s.id;

-- Fast up, slow down: a lower AUM tier applies only after $down_days days below the floor.
CREATE OR REPLACE TEMP VIEW tiered AS
SELECT r.*,
       CASE WHEN r.aum_rank >= r.prev_rank THEN r.aum_rank
            WHEN date_diff('day', COALESCE(r.prev_below, $d), $d) >= $down_days THEN r.aum_rank
            ELSE r.prev_rank END AS tier_rank,
       CASE WHEN r.aum_rank >= r.prev_rank THEN NULL
            WHEN date_diff('day', COALESCE(r.prev_below, $d), $d) >= $down_days THEN NULL
            ELSE COALESCE(r.prev_below, $d) END AS below_floor_since
FROM rated r;

CREATE OR REPLACE TEMP VIEW segments AS
SELECT t.*,
       CASE WHEN t.aum_c >= $asset_high_c AND t.potential_final >= $potential_high THEN 'core'
            WHEN t.potential_final >= $potential_high THEN 'lift'
            WHEN t.aum_c >= $asset_high_c THEN 'keep' ELSE 'basic' END AS quadrant,
       CASE t.tier_rank WHEN 3 THEN 'diamond' WHEN 2 THEN 'platinum' WHEN 1 THEN 'gold' ELSE '' END AS tier,
       CASE WHEN t.tier_rank = 0 THEN NULL
            WHEN t.tier_rank = t.prev_rank THEN COALESCE(t.prev_since, $d) ELSE $d END AS tier_since
FROM tiered t;

CREATE OR REPLACE TEMP VIEW segmented AS
SELECT s.*, q.label AS quadrant_label, q.qorder,
       CAST(LEAST(q.interval_days, CASE s.tier_rank WHEN 3 THEN $diamond_cap WHEN 2 THEN $platinum_cap
                                                    WHEN 1 THEN $gold_cap ELSE q.interval_days END) AS INTEGER) AS interval_days
FROM segments s JOIN quadrants q ON q.quadrant = s.quadrant;

-- explanation: keys in PostgreSQL's jsonb order (length, then bytes) and its spacing, so that
-- the text read back equals the text written and an unchanged segment is not rewritten.
CREATE OR REPLACE TEMP VIEW segment_out AS
SELECT id AS customer_id, aum_c, potential_final AS potential, potential_estimated, quadrant, tier,
       tier_since, interval_days, last_reached_on,
       last_reached_on + interval_days AS next_maintenance_on, below_floor_since,
       concat('{"breadth": ', CAST(breadth AS VARCHAR),
              ', "estimated": ', CASE WHEN potential_estimated = 1 THEN 'true' ELSE 'false' END,
              ', "potential_signals": [',
              concat_ws(', ', CASE WHEN potential_estimated = 1 AND s_trend = 1 THEN '"aum_trend"' END,
                              CASE WHEN potential_estimated = 1 AND s_inflow = 1 THEN '"large_inflow"' END,
                              CASE WHEN potential_estimated = 1 AND s_breadth = 1 THEN '"product_breadth"' END,
                              CASE WHEN potential_estimated = 1 AND s_age = 1 THEN '"age_band"' END),
              ']}') AS explanation
FROM segmented;
