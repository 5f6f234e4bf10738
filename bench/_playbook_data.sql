SELECT setseed(0.42);
INSERT INTO customers_product (id, code, name, product_type, risk_level)
SELECT g, 'BP' || g, '产品' || g,
       (ARRAY['demand_deposit','time_deposit','wealth','fund','insurance','bond','gold','debit_card','credit_card','loan'])[1 + g %% 10],
       (ARRAY['R1','R2','R3','R4','R5'])[1 + g %% 5]
FROM generate_series(1, 40) g;
INSERT INTO org_branch (id, code, name) SELECT g, 'BB' || g, '网点' || g FROM generate_series(1, %(branches)s) g;
INSERT INTO org_staff (id, password, is_superuser, staff_code, name, role, branch_id, phone, phone_masked,
                       email, email_masked, is_active, is_staff, date_joined)
SELECT g, '', false, 'BS' || g, '员工' || g, CASE WHEN g <= %(branches)s THEN 'branch_head' ELSE 'customer_manager' END,
       1 + g %% %(branches)s, '', '', '', '', true, false, now()
FROM generate_series(1, %(branches)s + %(managers)s) g;
INSERT INTO customers_customer (id, customer_no, name, name_pinyin, name_initials, id_type, id_no, id_no_index,
    id_no_masked, gender, birth_date, lunar_birthday, phone, phone_index, phone_masked, email, email_index,
    email_masked, address, address_masked, work_unit, occupation, family, relatives, branch_id, manager_id,
    service_established, red_list, potential, orientation, contact_preference, risk_rating, risk_assessed_on,
    marketing_consent, aum, created_at, updated_at)
SELECT g, 'BC' || g, '客户', '', '', 'id_card', '', '', '', 'M',
       DATE '1945-01-01' + (random() * 20000)::int, random() < 0.3, '', '', CASE WHEN random() < 0.9 THEN '139****0000' ELSE '' END,
       '', '', '', '', '', '', '', '', '', 1 + g %% %(branches)s,
       CASE WHEN random() < 0.95 THEN %(branches)s + 1 + g %% %(managers)s END,
       random() < 0.8, random() < 0.02, CASE WHEN random() < 0.7 THEN (random() * 100)::int END,
       (ARRAY['','relationship','value','service'])[1 + floor(random() * 4)::int],
       (ARRAY['','do_not_disturb','frequent','moderate'])[1 + floor(random() * 4)::int],
       'C3', DATE '%(d)s' - (random() * 800)::int, random() < 0.85, 0, now(), now()
FROM generate_series(1, %(customers)s) g;
INSERT INTO customers_holding (id, account_no, account_no_index, account_no_masked, principal, market_value,
    opened_on, matures_on, status, customer_id, product_id)
-- market products (wealth, fund, bond, gold: product id mod 10 in 2, 3, 5, 6) move -12..+24 percent
SELECT g, '', 'BH' || g, '', p,
       CASE WHEN pid %% 10 IN (2, 3, 5, 6) THEN round((p * (0.88 + random() * 0.36))::numeric, 2) ELSE p END,
       DATE '2024-01-01',
       CASE WHEN random() < 0.3 THEN DATE '%(d)s' + (random() * 400)::int END,
       CASE WHEN random() < 0.95 THEN 'active' ELSE 'closed' END,
       1 + (g::bigint * 7919) %% %(customers)s, pid
FROM (SELECT g, round((exp(random() * 12) * 50)::numeric, 2) AS p, 1 + floor(random() * 40)::int AS pid
      FROM generate_series(1, %(holdings)s) g) s;
INSERT INTO customers_transaction (id, txn_id, booked_at, amount, channel, counterparty, memo, customer_id, holding_id)
SELECT g, 'BT' || g, TIMESTAMPTZ '%(d)s 00:00:00+08' - (random() * 100 * 86400) * interval '1 second',
       round(((random() - 0.5) * exp(random() * 12) * 20)::numeric, 2), 'mobile', '', '',
       1 + (g::bigint * 104729) %% %(customers)s, NULL
FROM generate_series(1, %(transactions)s) g;
INSERT INTO customers_interaction (id, occurred_at, channel, method, purpose, outcome, notes, work_item_key,
    created_at, customer_id, staff_id)
SELECT g, TIMESTAMPTZ '%(d)s 10:00:00+08' - (random() * 200)::int * interval '1 day', 'phone', '', '',
       CASE WHEN random() < 0.8 THEN 'reached' ELSE 'not_reached' END, '', '', now(),
       1 + (g * 15485863::bigint) %% %(customers)s, %(branches)s + 1
FROM generate_series(1, %(interactions)s) g;
ANALYZE;
