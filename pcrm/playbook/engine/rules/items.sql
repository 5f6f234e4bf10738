-- Work items for as-of date $d (issue 4 table, DESIGN §4.3 clarifications).
CREATE OR REPLACE TEMP VIEW cust AS
SELECT s.id AS customer_id, s.customer_no, s.branch_id, s.manager_id, s.service_established,
       s.red_list, s.has_phone, s.marketing_consent, s.risk_rating, s.risk_assessed_on,
       s.pref, s.orientation, s.aum_c, s.tier_rank, s.quadrant, s.quadrant_label, s.qorder,
       s.interval_days, s.last_reached_on, s.birth_date, s.lunar_birthday, s.risky,
       CASE WHEN s.last_reached_on IS NULL OR s.last_reached_on + s.interval_days <= $d
            THEN 1 ELSE 0 END AS maintenance_is_due,
       COALESCE(s.manager_id, h.staff_id) AS staff_id,
       pr.contact_channel, pr.notice_channel,
       CASE WHEN s.marketing_consent = 0 AND oc.content IN ($blocked_contents)
            THEN '$fallback_content' ELSE oc.content END AS contact_content,
       CASE WHEN s.pref = '' THEN '；请与客户约定联系偏好' ELSE '' END AS pref_hint
FROM segmented s
LEFT JOIN heads h ON h.branch_id = s.branch_id
JOIN prefs pr ON pr.pref = s.pref
JOIN orientations oc ON oc.orientation = s.orientation;

CREATE OR REPLACE TEMP VIEW maturity_items AS
SELECT 'maturity_reminder' AS kind, c.customer_id,
       concat(CAST(f.id AS VARCHAR), '@', CAST(f.matures_on AS VARCHAR)) AS subject, $d AS due_on,
       c.notice_channel AS channel, 'service_notice' AS content,
       concat('客户持有的', f.product_name, '将于', CAST(f.matures_on AS VARCHAR), '到期，市值',
              {{money:f.mv_c}}, '，请提前联系客户安排续作或资金去向。') AS reason
FROM holding_facts f JOIN cust c ON c.customer_id = f.customer_id
WHERE f.matures_on BETWEEN $d AND $maturity_end;

CREATE OR REPLACE TEMP VIEW loss_gain AS
SELECT f.*, CAST(ROUND(ABS(f.mv_c - f.principal_c) * 10000.0 / f.principal_c) AS BIGINT) AS bp,
       CASE WHEN (f.mv_c - f.principal_c) * 10000 <= $stop_loss_bp * f.principal_c THEN 'stop_loss'
            WHEN (f.mv_c - f.principal_c) * 10000 >= $gain_bp * f.principal_c THEN 'gain_protect' END AS kind
FROM holding_facts f
WHERE f.product_type IN ($loss_gain_types) AND f.principal_c > 0;

CREATE OR REPLACE TEMP VIEW loss_gain_items AS
SELECT g.kind, c.customer_id, concat(CAST(g.id AS VARCHAR), '@', '$d_text') AS subject, $d AS due_on,
       c.notice_channel AS channel, 'service_notice' AS content,
       concat('客户持有的', g.product_name, '本金', {{money:g.principal_c}}, '，现市值', {{money:g.mv_c}},
              CASE WHEN g.kind = 'stop_loss' THEN '，亏损' ELSE '，收益' END, {{pct:g.bp}},
              CASE WHEN g.kind = 'stop_loss' THEN '，已触及止损线，请联系客户评估是否止损。'
                   ELSE '，已达止盈线，请联系客户评估是否锁定收益。' END) AS reason
FROM loss_gain g JOIN cust c ON c.customer_id = g.customer_id
WHERE g.kind IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM recent r WHERE r.kind = g.kind AND r.customer_id = g.customer_id
                  AND r.ref = CAST(g.id AS VARCHAR));

CREATE OR REPLACE TEMP VIEW large_change_items AS
SELECT 'large_account_change' AS kind, c.customer_id, t.txn_id AS subject, $d AS due_on,
       '$large_channel' AS channel, 'service_notice' AS content,
       concat('客户账户于', CAST(t.booked_on AS VARCHAR),
              CASE WHEN t.amount_c < 0 THEN '转出' ELSE '转入' END, {{money:t.amount_c}},
              '（资产规模', {{money:c.aum_c}}, '），请及时了解资金动向。') AS reason
FROM txns t JOIN cust c ON c.customer_id = t.customer_id
WHERE t.booked_on BETWEEN $change_start AND $change_end
  AND (ABS(t.amount_c) >= $large_c OR (c.aum_c > 0 AND ABS(t.amount_c) * 100 >= $share_pct * c.aum_c));

CREATE OR REPLACE TEMP VIEW birthday_items AS
SELECT 'birthday_greeting' AS kind, c.customer_id, w.year_label AS subject, w.birthday AS due_on,
       c.contact_channel AS channel, 'greeting' AS content,
       concat('客户', CASE WHEN c.lunar_birthday = 1 THEN '农历' ELSE '' END, '生日在',
              CAST(w.birthday AS VARCHAR), '，请送上生日祝福', c.pref_hint, '。') AS reason
FROM cust c
LEFT JOIN birth_lunar bl ON bl.birth_date = c.birth_date
JOIN birthday_window w ON w.lunar = c.lunar_birthday
 AND w.bm = CASE WHEN c.lunar_birthday = 1 THEN bl.lm ELSE MONTH(c.birth_date) END
 AND w.bd = CASE WHEN c.lunar_birthday = 1 THEN bl.ld ELSE DAY(c.birth_date) END
WHERE c.birth_date IS NOT NULL;

CREATE OR REPLACE TEMP VIEW holiday_items AS
SELECT 'holiday_greeting' AS kind, c.customer_id, concat(fw.name, CAST(YEAR(fw.day) AS VARCHAR)) AS subject,
       fw.day AS due_on, c.contact_channel AS channel, 'greeting' AS content,
       concat(fw.name, '（', CAST(fw.day AS VARCHAR), '）将至，请向客户送上节日祝福', c.pref_hint, '。') AS reason
FROM cust c CROSS JOIN festival_window fw
WHERE c.tier_rank >= $greeting_rank;

CREATE OR REPLACE TEMP VIEW red_list_due AS
SELECT c.* FROM cust c
WHERE c.red_list = 1 AND c.service_established = 0 AND c.has_phone = 1
  AND (c.last_reached_on IS NULL OR c.last_reached_on < $red_list_since);

CREATE OR REPLACE TEMP VIEW red_list_items AS
SELECT 'red_list_invite' AS kind, c.customer_id, '$d_text' AS subject, $d AS due_on,
       CASE WHEN c.pref = 'do_not_disturb' THEN c.contact_channel ELSE '$red_channel' END AS channel,
       'care' AS content,
       concat('红名单客户尚未确立服务关系，', CASE WHEN c.last_reached_on IS NULL THEN '尚无联系上的记录'
              ELSE concat('最近一次联系上在', CAST(c.last_reached_on AS VARCHAR)) END,
              '，请电话邀约客户到网点。') AS reason
FROM red_list_due c
WHERE NOT EXISTS (SELECT 1 FROM recent r WHERE r.kind = 'red_list_invite' AND r.customer_id = c.customer_id);

CREATE OR REPLACE TEMP VIEW establish_items AS
SELECT 'establish_relationship' AS kind, c.customer_id, '$d_text' AS subject, $d AS due_on,
       c.contact_channel AS channel, 'care' AS content,
       concat('客户已在您的管户中但尚未确立服务关系，请联系客户确立服务关系', c.pref_hint, '。') AS reason
FROM cust c
WHERE c.manager_id IS NOT NULL AND c.service_established = 0
  AND NOT EXISTS (SELECT 1 FROM red_list_items x WHERE x.customer_id = c.customer_id)
  AND NOT EXISTS (SELECT 1 FROM recent r WHERE r.customer_id = c.customer_id
                  AND r.kind IN ('establish_relationship', 'red_list_invite'));

CREATE OR REPLACE TEMP VIEW risk_items AS
SELECT 'risk_reassessment' AS kind, c.customer_id, '$d_text' AS subject, $d AS due_on,
       c.notice_channel AS channel, 'service_notice' AS content,
       concat('客户持有', CAST(c.risky AS VARCHAR), '只R1以上风险等级产品，',
              CASE WHEN c.risk_assessed_on IS NULL OR c.risk_rating = '' THEN '尚无风险评估'
                   ELSE concat('风险评估日期为', CAST(c.risk_assessed_on AS VARCHAR), '，已超过$risk_age天') END,
              '，请安排客户重新进行风险评估。') AS reason
FROM cust c
WHERE c.risky > 0
  AND (c.risk_assessed_on IS NULL OR c.risk_rating = '' OR date_diff('day', c.risk_assessed_on, $d) > $risk_age)
  AND NOT EXISTS (SELECT 1 FROM recent r WHERE r.kind = 'risk_reassessment' AND r.customer_id = c.customer_id);

CREATE OR REPLACE TEMP VIEW other_items AS
SELECT u.* FROM (
  SELECT * FROM maturity_items UNION ALL SELECT * FROM loss_gain_items
  UNION ALL SELECT * FROM large_change_items UNION ALL SELECT * FROM birthday_items
  UNION ALL SELECT * FROM holiday_items UNION ALL SELECT * FROM red_list_items
  UNION ALL SELECT * FROM establish_items UNION ALL SELECT * FROM risk_items) u
JOIN cust c ON c.customer_id = u.customer_id
-- an anti-join on the key (unique in existing): one hash join, where NOT EXISTS over two
-- tables' columns became a deduplicating delim join
LEFT JOIN existing e ON e.item_key = concat(u.kind, ':', c.customer_no, ':', u.subject)
WHERE e.item_key IS NULL;

-- Maintenance is due when the last reached contact + interval ≤ D (never reached: due now),
-- unless another open item (existing, or new in this run) due in [D, D+window] serves.
-- The subject is the cycle: the date it fell due (last reached + k × interval), so an attempt
-- that did not reach the customer is followed by a new item one interval later; for a customer
-- never reached, the interval-long period D falls in.
CREATE OR REPLACE TEMP VIEW maintenance_due AS
SELECT c.*,
       CASE WHEN c.last_reached_on IS NULL
            THEN concat('never-', CAST(CAST(FLOOR(date_diff('day', DATE '2000-01-01', $d) / c.interval_days) AS BIGINT) AS VARCHAR))
            ELSE CAST(c.last_reached_on + CAST(FLOOR(date_diff('day', c.last_reached_on, $d) / c.interval_days)
                                               * c.interval_days AS INTEGER) AS VARCHAR) END AS subject,
       CASE WHEN c.last_reached_on IS NULL THEN NULL ELSE date_diff('day', c.last_reached_on, $d) END AS days_since
FROM cust c
WHERE c.maintenance_is_due = 1;

CREATE OR REPLACE TEMP VIEW serving AS
SELECT customer_id FROM existing WHERE open_in_window = 1
UNION SELECT customer_id FROM other_items WHERE due_on BETWEEN $d AND $another_end;

CREATE OR REPLACE TEMP VIEW maintenance_ranked AS
SELECT m.*, ROW_NUMBER() OVER (
         PARTITION BY m.staff_id
         ORDER BY m.qorder, m.days_since DESC NULLS FIRST, m.customer_no) AS rn
FROM maintenance_due m
LEFT JOIN existing e ON e.item_key = concat('maintenance:', m.customer_no, ':', m.subject)
WHERE NOT EXISTS (SELECT 1 FROM serving s WHERE s.customer_id = m.customer_id)
  AND e.item_key IS NULL;

CREATE OR REPLACE TEMP VIEW maintenance_items AS
SELECT 'maintenance' AS kind, m.customer_id, m.subject, ws.day AS due_on,
       m.contact_channel AS channel, m.contact_content AS content,
       concat(CASE WHEN m.days_since IS NULL THEN '客户尚无联系上的记录'
                   ELSE concat('距上次联系上已', CAST(m.days_since AS VARCHAR), '天') END,
              '，', m.quadrant_label, '维护周期为', CAST(m.interval_days AS VARCHAR), '天，请进行日常维护',
              CASE WHEN m.orientation = '' THEN '；客户取向未评估，请评估客户取向' ELSE '' END,
              m.pref_hint, '。') AS reason
FROM maintenance_ranked m
JOIN slots ws ON ws.slot = LEAST(CAST(FLOOR((m.rn - 1) / $capacity) AS BIGINT), $last_slot);

CREATE OR REPLACE TEMP VIEW items_out AS
SELECT concat(u.kind, ':', c.customer_no, ':', u.subject) AS item_key, u.customer_id, c.staff_id,
       c.branch_id, u.kind, u.subject, u.due_on, u.channel, u.content,
       pr.priority,
       CASE WHEN u.kind <> 'maintenance' AND u.due_on BETWEEN $d AND $another_end
                 AND c.maintenance_is_due = 1
            THEN concat(u.reason, '（此次联系同时完成日常维护）') ELSE u.reason END AS reason
FROM (SELECT * FROM other_items UNION ALL SELECT * FROM maintenance_items) u
JOIN cust c ON c.customer_id = u.customer_id
JOIN priorities pr ON pr.kind = CASE WHEN u.kind = 'maintenance' THEN concat('maintenance_', c.quadrant) ELSE u.kind END;
