-- 011_views: reports for admins: directory, open orders, CRM per country and month,
-- company branch traffic, unrated CDRs.

-- Directory: a VoIP number (PIN, company number or branch) -> the member's home page and e-mail.
CREATE VIEW directory AS
SELECT n.written AS number, n.canonical, upper(n.kind) AS kind, n.country_code::text AS country,
       m.id AS member_id, m.name AS member, m.kind AS member_kind, m.home_page, m.email,
       (SELECT string_agg(a.alias, ', ' ORDER BY a.alias) FROM aliases a
         WHERE a.target = n.canonical) AS aliases
  FROM numbers n JOIN members m ON m.id = n.member_id
 WHERE n.status = 'sold' AND m.status <> 'closed'
UNION ALL
SELECT n.written || '#' || b.country_code, b.canonical, 'VNS branch', b.country_code::text,
       m.id, m.name || coalesce(' (' || b.name || ')', ''), m.kind, m.home_page, m.email,
       (SELECT string_agg(a.alias, ', ' ORDER BY a.alias) FROM aliases a
         WHERE a.target = b.canonical)
  FROM vns_branches b JOIN numbers n ON n.id = b.number_id JOIN members m ON m.id = n.member_id
 WHERE b.enabled AND m.status <> 'closed';
COMMENT ON VIEW directory IS 'Number -> member, home page and e-mail; query with directory_lookup(''6200-6200#082'').';

-- directory_lookup: any written form of a number, or an alias (example.com, kim@example.com).
CREATE FUNCTION directory_lookup(number_or_alias text) RETURNS SETOF directory
LANGUAGE plpgsql STABLE AS $$
DECLARE q text := lower(btrim(number_or_alias)); canon text;
BEGIN
    IF q ~ '[a-z@]' THEN
        SELECT a.target INTO canon FROM aliases a WHERE a.alias = q;
        IF NOT FOUND THEN
            RAISE EXCEPTION 'alias % does not exist', q USING ERRCODE = 'no_data_found';
        END IF;
    ELSE
        canon := number_canonical(q);
    END IF;
    RETURN QUERY SELECT * FROM directory d WHERE d.canonical = canon;
END $$;

-- Orders waiting for someone: approval (admin), final purchase selection or payment (buyer).
CREATE VIEW open_orders AS
SELECT o.id AS order_id, o.status,
       CASE o.status WHEN 'requested' THEN 'approval'
                     WHEN 'approved'  THEN 'final purchase selection'
                     WHEN 'selected'  THEN 'payment' END AS awaiting,
       m.id AS member_id, m.name AS member, n.written AS number, o.price,
       o.requested_at, date_trunc('second', now() - o.requested_at) AS age, o.note
  FROM number_orders o JOIN members m ON m.id = o.member_id JOIN numbers n ON n.id = o.number_id
 WHERE o.status IN ('requested', 'approved', 'selected')
 ORDER BY o.requested_at, o.id;

-- Which country a CDR leg counts for: the calling member's country; for callers who are not
-- our members (inbound from the PSTN or a carrier), the country of the number called.
CREATE VIEW cdr_countries AS
SELECT c.id AS cdr_id,
       coalesce(cm.country_code, b.country_code, n.country_code, nm.country_code)::text AS country
  FROM cdrs c
  LEFT JOIN sip_accounts ca ON ca.username = replace(sip_user_part(c.caller), '-', '')
  LEFT JOIN members cm ON cm.id = ca.member_id
  LEFT JOIN vns_branches b ON b.canonical = replace(sip_user_part(coalesce(c.routed_to, c.dialled)), '-', '')
  LEFT JOIN numbers n ON n.canonical = replace(sip_user_part(coalesce(c.routed_to, c.dialled)), '-', '')
  LEFT JOIN members nm ON nm.id = n.member_id;

-- CRM per country and month (seed 003): members, numbers sold, calls, minutes, revenue.
-- Sales count in the number's country (a company number's in the buyer's country).
CREATE VIEW crm_country_month AS
WITH reg AS (
    SELECT m.country_code::text AS country, date_trunc('month', m.created_at)::date AS month,
           count(*) AS new_members
      FROM members m GROUP BY 1, 2
), sales AS (
    SELECT coalesce(n.country_code, m.country_code)::text AS country,
           date_trunc('month', p.paid_at)::date AS month,
           count(*) AS numbers_sold, sum(p.amount) AS sales_revenue
      FROM payments p JOIN number_orders o ON o.id = p.order_id
      JOIN numbers n ON n.id = o.number_id JOIN members m ON m.id = o.member_id
     GROUP BY 1, 2
), calls AS (
    SELECT cc.country, date_trunc('month', c.started_at)::date AS month,
           count(DISTINCT c.call_id) AS calls,
           count(DISTINCT c.call_id) FILTER (WHERE c.disposition = 'ANSWER') AS answered_calls,
           round(sum(coalesce(c.billable_seconds, 0)) / 60.0, 2) AS minutes,
           coalesce(sum(c.cost), 0) AS call_revenue
      FROM cdrs c JOIN cdr_countries cc ON cc.cdr_id = c.id
     GROUP BY 1, 2
), months AS (
    SELECT country, month FROM reg UNION SELECT country, month FROM sales
    UNION SELECT country, month FROM calls
)
SELECT k.country, co.name AS country_name, k.month,
       coalesce(r.new_members, 0) AS new_members,
       sum(coalesce(r.new_members, 0)) OVER (PARTITION BY k.country ORDER BY k.month) AS members,
       coalesce(s.numbers_sold, 0) AS numbers_sold,
       coalesce(s.sales_revenue, 0) AS sales_revenue,
       coalesce(cl.calls, 0) AS calls,
       coalesce(cl.answered_calls, 0) AS answered_calls,
       coalesce(cl.minutes, 0) AS minutes,
       coalesce(cl.call_revenue, 0) AS call_revenue,
       coalesce(s.sales_revenue, 0) + coalesce(cl.call_revenue, 0) AS revenue
  FROM months k
  LEFT JOIN countries co ON co.code = k.country
  LEFT JOIN reg r ON r.country IS NOT DISTINCT FROM k.country AND r.month = k.month
  LEFT JOIN sales s ON s.country IS NOT DISTINCT FROM k.country AND s.month = k.month
  LEFT JOIN calls cl ON cl.country IS NOT DISTINCT FROM k.country AND cl.month = k.month
 ORDER BY k.country, k.month;
COMMENT ON VIEW crm_country_month IS 'Per country and month: new and total members, numbers sold, calls, minutes, revenue.';

-- Calls reaching each company branch per month: the company's customer service per country.
CREATE VIEW company_branch_calls AS
SELECT m.id AS member_id, m.name AS company, n.written || '#' || b.country_code AS branch,
       b.country_code::text AS country, date_trunc('month', c.started_at)::date AS month,
       count(DISTINCT c.call_id) AS calls,
       count(DISTINCT c.call_id) FILTER (WHERE c.disposition = 'ANSWER') AS answered_calls,
       round(sum(coalesce(c.billable_seconds, 0)) / 60.0, 2) AS minutes
  FROM cdrs c
  JOIN vns_branches b ON b.canonical = replace(sip_user_part(coalesce(c.routed_to, c.dialled)), '-', '')
  JOIN numbers n ON n.id = b.number_id
  JOIN members m ON m.id = n.member_id
 GROUP BY m.id, m.name, n.written, b.country_code, date_trunc('month', c.started_at)
 ORDER BY m.id, branch, month;

-- Answered legs that have no cost yet (no rate matched, or not rated yet).
CREATE VIEW cdrs_unrated AS
SELECT c.id, c.call_id, c.leg, c.caller, c.routed_to, c.class, c.started_at, c.billable_seconds
  FROM cdrs c
 WHERE c.cost IS NULL AND c.disposition = 'ANSWER'
 ORDER BY c.id;
