-- 014_settlement: what we pay for each CDR leg and to whom (carrier_cost, billed_by), which
-- member a leg belongs to (member_id), margin per carrier, country and month
-- (settlement_monthly), and members' monthly statements (member_statement,
-- member_monthly_total; member_statement_month and settlement_month feed contrib/vce-statement).
--
-- Who bills us for a leg: a PSTN trunk group is billed by its telco (trunks.billed_by, a
-- carrier that may have no SIP address), a carrier leg by that carrier. Both are priced with
-- the carrier's rates (rate_set(..., carrier => name)) by the same rules as the retail cost,
-- in the same cdr_rate call the daemon makes when it writes the leg (013).

-- ---------------------------------------------------------------- schema

-- A PSTN telco bills us but takes no calls by SIP: no centre address, no number prefixes.
-- The routing load (modules/app_route/RouteData.cpp) skips carriers without an address.
ALTER TABLE carriers ALTER COLUMN sip_address DROP NOT NULL;
COMMENT ON COLUMN carriers.sip_address IS 'The carrier''s centre; NULL for a telco that only bills us for a trunk (telco_add).';

ALTER TABLE trunks ADD COLUMN billed_by bigint
    CONSTRAINT "trunk billed by this carrier (see trunk_set_billed_by)"
    REFERENCES carriers (id);
COMMENT ON COLUMN trunks.billed_by IS 'The carrier (PSTN telco) that bills us for calls out of this trunk group; its rates price them.';

-- No foreign keys on cdrs (written at call rate; history outlives carriers and members).
ALTER TABLE cdrs ADD COLUMN carrier_cost numeric(12,4),   -- what billed_by charges us; NULL: not known
                 ADD COLUMN billed_by bigint,             -- carriers.id
                 ADD COLUMN member_id bigint;             -- members.id of the caller (cdr_member)
CREATE INDEX cdrs_member ON cdrs (member_id, started_at) WHERE member_id IS NOT NULL;
COMMENT ON COLUMN cdrs.carrier_cost IS 'What the carrier billed_by charges us for this leg (its rates); NULL when no carrier or no rate is known (cdrs_unsettled).';
COMMENT ON COLUMN cdrs.member_id IS 'The member whose call this leg is and who pays for it: the one who authenticated (cdr_record''s payer, 015); NULL for peers and the PSTN.';

-- Months of statements and settlement are calendar months in this time zone.
INSERT INTO settings (name, value, note) VALUES
    ('billing.time_zone', 'UTC', 'time zone of statement and settlement months and of the times on statements')
ON CONFLICT (name) DO NOTHING;

-- ---------------------------------------------------------------- helpers

-- 'sip:gw@10.0.0.1:5061;transport=tls' -> '10.0.0.1:5061'; a Dial target's host part as is.
CREATE FUNCTION sip_hostport(address text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT AS $$
    SELECT lower(regexp_replace(regexp_replace($1, '^(sips?:)?([^@/]*@)?', ''), '[;?/].*$', ''))
$$;

-- The host alone: '10.0.0.1:5061' -> '10.0.0.1', '[2001:db8::1]:5060' -> '2001:db8::1'.
CREATE FUNCTION sip_host(address text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT AS $$
    SELECT CASE WHEN hp ~ '^\[' THEN substring(hp FROM '^\[([^]]*)\]')
                ELSE regexp_replace(hp, ':[0-9]*$', '') END
      FROM (SELECT sip_hostport($1) AS hp) x
$$;

-- Internal: a carrier's id by name (any case), or a clear error.
CREATE FUNCTION carrier_id_of(carrier text) RETURNS bigint
LANGUAGE plpgsql STABLE AS $$
DECLARE cid bigint;
BEGIN
    SELECT c.id INTO cid FROM carriers c WHERE lower(c.name) = lower(btrim(carrier));
    IF NOT FOUND THEN
        RAISE EXCEPTION 'carrier % does not exist', carrier USING ERRCODE = 'no_data_found';
    END IF;
    RETURN cid;
END $$;

-- The country (3-digit code) of E.164 digits by the longest country code: '821012345678' -> '082'.
CREATE FUNCTION country_of_e164(digits text) RETURNS text
LANGUAGE sql STABLE STRICT AS $$
    SELECT c.code::text FROM countries c
     WHERE $1 LIKE c.e164_code || '%'
     ORDER BY length(c.e164_code) DESC
     LIMIT 1
$$;

-- ---------------------------------------------------------------- admin

-- telco_add: a carrier that bills us for a PSTN trunk group (trunks.billed_by) and needs no
-- centre or number prefixes; sip_address only when it is also reached by SIP. Returns its id.
--   SELECT telco_add('KT', '082');
CREATE FUNCTION telco_add(name text, country text DEFAULT NULL, sip_address text DEFAULT NULL)
RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
    dup bigint;
    cc text;
    new_id bigint;
BEGIN
    IF coalesce(btrim(name), '') = '' THEN
        RAISE EXCEPTION 'a carrier needs a name' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    SELECT c.id INTO dup FROM carriers c WHERE lower(c.name) = lower(btrim(telco_add.name));
    IF FOUND THEN
        RAISE EXCEPTION 'carrier % already exists (id %)', btrim(name), dup USING ERRCODE = 'unique_violation';
    END IF;
    IF sip_address IS NOT NULL THEN
        PERFORM sip_uri_check('carrier address', sip_address);
    END IF;
    IF country IS NOT NULL THEN
        cc := (country_get(country)).code;
    END IF;
    INSERT INTO carriers (name, country_code, sip_address)
    VALUES (btrim(name), cc, sip_address)
    RETURNING id INTO new_id;
    RETURN new_id;
END $$;

-- trunk_add (010) with billed_by: the carrier that bills us for the group's calls.
DROP FUNCTION trunk_add(text, text, text, text[], text, int, int);
CREATE FUNCTION trunk_add(name text, country text, tdm_group text, prefixes text[] DEFAULT NULL,
                          gateway text DEFAULT NULL, channels int DEFAULT NULL, priority int DEFAULT 10,
                          billed_by text DEFAULT NULL)
RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
    c countries := country_get(country);
    payer bigint;
    p text;
    new_id bigint;
BEGIN
    IF EXISTS (SELECT 1 FROM trunks t WHERE t.name = trunk_add.name) THEN
        RAISE EXCEPTION 'trunk % already exists', name USING ERRCODE = 'unique_violation';
    END IF;
    IF gateway IS NOT NULL THEN
        PERFORM sip_uri_check('trunk gateway address', gateway);
    END IF;
    IF billed_by IS NOT NULL THEN
        payer := carrier_id_of(billed_by);
    END IF;
    INSERT INTO trunks (name, country_code, tdm_group, gateway, channels, priority, billed_by)
    VALUES (name, c.code, tdm_group, gateway, channels, priority, payer)
    RETURNING id INTO new_id;
    FOREACH p IN ARRAY coalesce(prefixes, ARRAY[c.e164_code]) LOOP
        INSERT INTO trunk_prefixes (trunk_id, prefix) VALUES (new_id, prefix_norm(p))
        ON CONFLICT DO NOTHING;
    END LOOP;
    RETURN new_id;
END $$;

-- trunk_set_billed_by: which carrier bills us for an existing trunk group (NULL: nobody known).
-- Legs rated later are priced with that carrier's rates.
CREATE FUNCTION trunk_set_billed_by(trunk text, carrier text) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
    payer bigint;
BEGIN
    IF carrier IS NOT NULL THEN
        payer := carrier_id_of(carrier);
    END IF;
    UPDATE trunks t SET billed_by = payer WHERE t.name = btrim(trunk);
    IF NOT FOUND THEN
        RAISE EXCEPTION 'trunk % does not exist', trunk USING ERRCODE = 'no_data_found';
    END IF;
    RETURN 'trunk ' || btrim(trunk) || CASE WHEN payer IS NULL THEN ' is billed by no known carrier'
                                          ELSE ' is billed by ' || (SELECT c.name FROM carriers c WHERE c.id = payer) END;
END $$;

-- ---------------------------------------------------------------- rating

-- rate_cost (010) for retail (carrier_id NULL) or a carrier's price to us: one rule for both.
DROP FUNCTION rate_cost(text, int, timestamptz);
CREATE FUNCTION rate_cost(destination text, seconds int, at timestamptz DEFAULT now(),
                          carrier_id bigint DEFAULT NULL) RETURNS numeric
LANGUAGE sql STABLE AS $$
    SELECT CASE WHEN $2 <= 0 THEN 0::numeric
                ELSE round(r.connect_fee + rate_charged_seconds($2, r.first_increment, r.increment)
                                           * r.price_per_minute / 60, 4) END
      FROM rate_find($1, $3, $4) r
     WHERE r.id IS NOT NULL
$$;

-- cdr_billed_by: the carrier that bills us for a leg, from how it left (cdrs.route) and its
-- destination (E.164 digits). NULL when none is known.
--   class carrier:        the carrier owning the longest prefix of the number;
--   TDM/<group>/<number>: the trunk of that group whose prefix matches the number best
--                         (the only trunk of the group if none matches) -> its billed_by;
--   SIP/<host>/<number>:  a trunk on the edge box at that host (PSTN legs), else the carrier
--                         whose centre is at that host (a carrier or SIP trunk to the PSTN);
--   trunk:<name>:         that trunk (CDRs written by hand).
CREATE FUNCTION cdr_billed_by(route text, class text, digits text) RETURNS bigint
LANGUAGE plpgsql STABLE AS $$
DECLARE
    r text := coalesce(route, '');
    d text := coalesce(digits, '');
    hop text := split_part(r, '/', 2);
    payer bigint;
BEGIN
    IF class = 'carrier' AND d <> '' THEN
        SELECT x.carrier_id INTO payer FROM carrier_prefixes x
         WHERE d LIKE x.prefix || '%' ORDER BY length(x.prefix) DESC LIMIT 1;
        IF payer IS NOT NULL THEN
            RETURN payer;
        END IF;
    END IF;
    IF r ~* '^TDM/' THEN
        SELECT t.billed_by INTO payer FROM trunks t
          LEFT JOIN trunk_prefixes p ON p.trunk_id = t.id AND d LIKE p.prefix || '%'
         WHERE t.tdm_group = hop
           AND (p.prefix IS NOT NULL OR (SELECT count(*) FROM trunks o WHERE o.tdm_group = hop) = 1)
         ORDER BY length(p.prefix) DESC NULLS LAST, t.priority, t.id
         LIMIT 1;
        RETURN payer;
    END IF;
    IF r ~* '^trunk:' THEN
        SELECT t.billed_by INTO payer FROM trunks t WHERE t.name = substr(r, 7);
        RETURN payer;
    END IF;
    IF r ~* '^SIP/' AND hop <> '' THEN
        IF class = 'pstn' THEN
            SELECT t.billed_by INTO payer FROM trunks t
              LEFT JOIN trunk_prefixes p ON p.trunk_id = t.id AND d LIKE p.prefix || '%'
             WHERE t.gateway IS NOT NULL AND sip_host(t.gateway) = sip_host(hop)
             ORDER BY length(p.prefix) DESC NULLS LAST, (sip_hostport(t.gateway) = sip_hostport(hop)) DESC,
                      t.priority, t.id
             LIMIT 1;
            IF FOUND THEN
                RETURN payer;
            END IF;
        END IF;
        SELECT c.id INTO payer FROM carriers c
         WHERE c.sip_address IS NOT NULL AND sip_host(c.sip_address) = sip_host(hop)
         ORDER BY (sip_hostport(c.sip_address) = sip_hostport(hop)) DESC, c.id
         LIMIT 1;
        RETURN payer;
    END IF;
    RETURN NULL;
END $$;

-- cdr_member: the member a CDR's caller is (how chan_sip writes cdrs.caller: the SIP account
-- a member authenticated with, i.e. a PIN's canonical number or a company branch
-- '62006200#082'; for calls from peers the From user). The account's member, else the owner
-- of that number or branch; NULL for callers who are not members (the PSTN, other carriers).
-- Dashes, 'sip:...@host' and '%23' are ignored.
CREATE FUNCTION cdr_member(caller text) RETURNS bigint
LANGUAGE sql STABLE STRICT AS $$
    SELECT coalesce(
        (SELECT a.member_id FROM sip_accounts a WHERE a.username = x.u),
        (SELECT n.member_id FROM numbers n WHERE n.canonical = x.u),
        (SELECT n.member_id FROM vns_branches b JOIN numbers n ON n.id = b.number_id WHERE b.canonical = x.u))
      FROM (SELECT replace(sip_user_part($1), '-', '') AS u) x
$$;

-- cdr_rate (010): one call fills billable_seconds and cost (the retail rate, what the member
-- pays), member_id, billed_by and carrier_cost (that carrier's rate, what we pay), all with
-- the rates valid when the call started. Unanswered legs and calls to our own numbers cost 0
-- both ways. A leg that left through a trunk or carrier nobody is known to bill for, or whose
-- carrier has no rate for the destination, gets carrier_cost NULL and a NOTICE (cdrs_unsettled);
-- other legs that stayed in our network cost us 0. Returns the retail cost (NULL and a NOTICE
-- when no retail rate matches).
CREATE OR REPLACE FUNCTION cdr_rate(cdr_id bigint) RETURNS numeric
LANGUAGE plpgsql AS $$
DECLARE
    c cdrs;
    secs int;
    dest text;
    digits text;
    own boolean;
    amount numeric;
    payer bigint;
    paid numeric;
BEGIN
    SELECT * INTO c FROM cdrs x WHERE x.id = cdr_id FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'CDR % does not exist', cdr_id USING ERRCODE = 'no_data_found';
    END IF;
    secs := CASE WHEN c.answered_at IS NOT NULL AND c.ended_at IS NOT NULL
                 THEN greatest(0, ceil(extract(epoch FROM c.ended_at - c.answered_at)))::int
                 ELSE coalesce(c.billable_seconds, 0) END;
    dest := sip_user_part(coalesce(c.routed_to, c.dialled, ''));
    digits := regexp_replace(regexp_replace(dest, '^(\+|00)', ''), '[^0-9]', '', 'g');
    own := is_own_number(dest);
    IF NOT own THEN
        payer := cdr_billed_by(c.route, c.class, digits);
    END IF;
    IF c.disposition IS DISTINCT FROM 'ANSWER' OR secs = 0 THEN
        secs := CASE WHEN c.disposition = 'ANSWER' THEN secs ELSE 0 END;
        amount := 0;
        paid := 0;
    ELSIF own THEN
        amount := 0;
        paid := 0;
    ELSE
        amount := rate_cost(digits, secs, c.started_at);
        IF amount IS NULL THEN
            RAISE NOTICE 'CDR % (call %, leg %): no rate matches destination %', c.id, c.call_id, c.leg, digits;
        END IF;
        IF payer IS NOT NULL THEN
            paid := rate_cost(digits, secs, c.started_at, payer);
            IF paid IS NULL THEN
                RAISE NOTICE 'CDR % (call %, leg %): carrier % has no rate for destination % (set one with rate_set(..., carrier => ''%''))',
                    c.id, c.call_id, c.leg, (SELECT x.name FROM carriers x WHERE x.id = payer), digits,
                    (SELECT x.name FROM carriers x WHERE x.id = payer);
            END IF;
        ELSIF c.class IN ('pstn', 'carrier') THEN
            paid := NULL;
            RAISE NOTICE 'CDR % (call %, leg %): no carrier is known to bill route % (set the trunk''s billed_by with trunk_set_billed_by, or the carrier''s SIP address)',
                c.id, c.call_id, c.leg, c.route;
        ELSE
            paid := 0;  -- stayed in our network: a phone, one of our centres
        END IF;
    END IF;
    UPDATE cdrs x SET billable_seconds = secs, cost = amount, carrier_cost = paid, billed_by = payer
     WHERE x.id = c.id;
    RETURN amount;
END $$;

-- Legs written before this migration: whose calls they were, as well as the caller tells
-- (from now on cdr_record names the member who authenticated: sql/015_balances.sql). Costs to
-- carriers: re-rate them with SELECT cdr_rate(id) FROM cdrs_unsettled once billed_by and the
-- carriers' rates are set.
UPDATE cdrs c SET member_id = cdr_member(c.caller) WHERE c.caller IS NOT NULL;

-- ---------------------------------------------------------------- views

-- Internal: the billing time zone (settings billing.time_zone, UTC when unset).
CREATE FUNCTION billing_time_zone() RETURNS text
LANGUAGE sql STABLE AS $$ SELECT coalesce(setting('billing.time_zone'), 'UTC') $$;

-- One row per leg with what settlement and statements need: the month (billing time zone),
-- the destination's E.164 digits and country.
CREATE VIEW cdr_billing AS
SELECT c.id AS cdr_id, c.call_id, c.leg, c.member_id, c.billed_by,
       (c.started_at AT TIME ZONE z.tz) AS started_local,
       date_trunc('month', c.started_at AT TIME ZONE z.tz)::date AS month,
       sip_user_part(c.caller) AS caller, c.dialled, c.routed_to, c.class, c.route, c.disposition,
       c.billable_seconds, c.cost, c.carrier_cost,
       country_of_e164(regexp_replace(sip_user_part(coalesce(c.routed_to, c.dialled, '')), '[^0-9]', '', 'g'))
           AS dest_country
  FROM cdrs c CROSS JOIN (SELECT billing_time_zone() AS tz) z;

-- Settlement: answered legs that left our network (a carrier bills them, or they went to the
-- PSTN or a carrier), per month, carrier and destination country. revenue is what members
-- pay (cost), carrier_cost what the carrier charges us, margin the difference. Legs whose
-- price is not known yet count in unrated_legs / unpriced_legs and add nothing to the sums.
CREATE VIEW settlement_monthly AS
SELECT b.month, b.billed_by AS carrier_id, ca.name AS carrier,
       b.dest_country AS country, co.name AS country_name,
       count(*) AS legs,
       count(*) FILTER (WHERE b.cost IS NULL) AS unrated_legs,
       count(*) FILTER (WHERE b.carrier_cost IS NULL) AS unpriced_legs,
       round(sum(coalesce(b.billable_seconds, 0)) / 60.0, 2) AS minutes,
       coalesce(sum(b.cost), 0)::numeric(14,4) AS revenue,
       coalesce(sum(b.carrier_cost), 0)::numeric(14,4) AS carrier_cost,
       (coalesce(sum(b.cost), 0) - coalesce(sum(b.carrier_cost), 0))::numeric(14,4) AS margin
  FROM cdr_billing b
  LEFT JOIN carriers ca ON ca.id = b.billed_by
  LEFT JOIN countries co ON co.code = b.dest_country
 WHERE b.disposition = 'ANSWER' AND (b.billed_by IS NOT NULL OR b.class IN ('pstn', 'carrier'))
 GROUP BY b.month, b.billed_by, ca.name, b.dest_country, co.name;
COMMENT ON VIEW settlement_monthly IS 'Per month, carrier and destination country: legs, minutes, revenue (members pay), carrier cost (we pay), margin.';

-- A member's statement: each rated, answered leg of the member's calls.
CREATE VIEW member_statement AS
SELECT b.member_id, b.month, b.cdr_id, b.call_id, b.leg,
       b.started_local AS started_at, b.caller, b.dialled, b.routed_to, b.class,
       b.billable_seconds AS seconds, b.cost
  FROM cdr_billing b
 WHERE b.member_id IS NOT NULL AND b.disposition = 'ANSWER' AND b.cost IS NOT NULL;
COMMENT ON VIEW member_statement IS 'Statement lines: each rated, answered leg of a member''s calls, by month (billing.time_zone).';

-- A member's total per month. amount_due is the total rounded to the cent; unrated_legs are
-- answered legs not priced yet (no retail rate), which the total does not include.
CREATE VIEW member_monthly_total AS
SELECT b.member_id, m.name AS member, b.month,
       count(*) FILTER (WHERE b.cost IS NOT NULL) AS legs,
       coalesce(sum(b.billable_seconds) FILTER (WHERE b.cost IS NOT NULL), 0) AS seconds,
       round(coalesce(sum(b.billable_seconds) FILTER (WHERE b.cost IS NOT NULL), 0) / 60.0, 2) AS minutes,
       coalesce(sum(b.cost), 0)::numeric(14,4) AS total,
       round(coalesce(sum(b.cost), 0), 2) AS amount_due,
       count(*) FILTER (WHERE b.cost IS NULL) AS unrated_legs
  FROM cdr_billing b JOIN members m ON m.id = b.member_id
 WHERE b.disposition = 'ANSWER'
 GROUP BY b.member_id, m.name, b.month;
COMMENT ON VIEW member_monthly_total IS 'Per member and month: legs, seconds, minutes, total, amount due (to the cent), unrated legs.';

-- Answered legs whose cost to us is not known: no carrier bills their route, or the carrier
-- has no rate. After fixing that: SELECT cdr_rate(id) FROM cdrs_unsettled;
CREATE VIEW cdrs_unsettled AS
SELECT c.id, c.call_id, c.leg, c.caller, c.routed_to, c.class, c.route, c.started_at,
       c.billable_seconds, c.billed_by, ca.name AS carrier
  FROM cdrs c LEFT JOIN carriers ca ON ca.id = c.billed_by
 WHERE c.carrier_cost IS NULL AND c.disposition = 'ANSWER'
 ORDER BY c.id;

-- ---------------------------------------------------------------- for contrib/vce-statement

-- Internal: 'YYYY-MM' -> the first day of that month, or a clear error.
CREATE FUNCTION month_start(month text) RETURNS date
LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
    IF month IS NULL OR btrim(month) !~ '^[0-9]{4}-(0[1-9]|1[0-2])$' THEN
        RAISE EXCEPTION 'month "%" is not valid: write YYYY-MM, e.g. 2024-05', month
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    RETURN (btrim(month) || '-01')::date;
END $$;

-- member_resolve: a member by id, by one of its numbers (any written form, a branch
-- 6200-6200#082) or by an alias; a clear error for anything else. Digits alone may be an id
-- or a number: when they are both (for different members) you are asked to write which.
CREATE FUNCTION member_resolve(member text) RETURNS bigint
LANGUAGE plpgsql STABLE AS $$
DECLARE
    w text := btrim(coalesce(member, ''));
    by_id bigint;
    by_number bigint;
    canon text;
BEGIN
    IF w = '' THEN
        RAISE EXCEPTION 'say which member: a member id, one of its numbers (e.g. 02-6200-6200-082) or an alias'
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF w ~ '[@A-Za-z]' THEN
        SELECT a.member_id INTO by_number FROM aliases a WHERE a.alias = lower(w);
        IF NOT FOUND THEN
            RAISE EXCEPTION 'no member has the alias %', w USING ERRCODE = 'no_data_found';
        END IF;
        RETURN by_number;
    END IF;
    IF w ~ '^[0-9]{1,18}$' THEN
        SELECT m.id INTO by_id FROM members m WHERE m.id = w::bigint;
        BEGIN
            canon := number_canonical(w);
        EXCEPTION WHEN invalid_parameter_value THEN
            canon := NULL;  -- too short for a number: an id only
        END;
    ELSE
        canon := number_canonical(w);  -- its error says what is wrong with the number
    END IF;
    IF canon IS NOT NULL THEN
        by_number := cdr_member(canon);
    END IF;
    IF by_id IS NOT NULL AND by_number IS NOT NULL AND by_id <> by_number THEN
        RAISE EXCEPTION '% is both the id of member % and a number of member %: write the number with dashes or the id alone',
            w, by_id, by_number USING ERRCODE = 'ambiguous_parameter';
    END IF;
    IF coalesce(by_number, by_id) IS NULL THEN
        IF w ~ '^[0-9]+$' THEN
            RAISE EXCEPTION 'no member has the id or number %', w USING ERRCODE = 'no_data_found';
        END IF;
        RAISE EXCEPTION 'no member has the number %', w USING ERRCODE = 'no_data_found';
    END IF;
    RETURN coalesce(by_number, by_id);
END $$;

-- member_statement_month: a member's statement for a month (member as member_resolve takes
-- it, month 'YYYY-MM'): one 'call' line per leg in time order, then one 'total' line.
--   COPY (SELECT * FROM member_statement_month('02-6200-6200-082', '2024-05')) TO STDOUT WITH CSV HEADER
CREATE FUNCTION member_statement_month(member text, month text)
RETURNS TABLE (line text, started_at text, caller text, dialled text, routed_to text, class text,
               seconds int, cost numeric)
LANGUAGE plpgsql STABLE AS $$
#variable_conflict use_column
DECLARE
    mid bigint := member_resolve(member);
    m0 date := month_start(month);
BEGIN
    RETURN QUERY
    SELECT 'call'::text, to_char(s.started_at, 'YYYY-MM-DD HH24:MI:SS'), s.caller, s.dialled,
           s.routed_to, s.class, s.seconds, s.cost
      FROM member_statement s
     WHERE s.member_id = mid AND s.month = m0
     ORDER BY s.started_at, s.cdr_id;
    RETURN QUERY
    SELECT 'total'::text, NULL::text, NULL::text, NULL::text, NULL::text, NULL::text,
           coalesce(sum(s.seconds), 0)::int, coalesce(sum(s.cost), 0)::numeric(14,4)
      FROM member_statement s
     WHERE s.member_id = mid AND s.month = m0;
END $$;

-- settlement_month: settlement_monthly of one month ('YYYY-MM'), by carrier and country.
CREATE FUNCTION settlement_month(month text) RETURNS SETOF settlement_monthly
LANGUAGE plpgsql STABLE AS $$
DECLARE m0 date := month_start(month);
BEGIN
    RETURN QUERY
    SELECT * FROM settlement_monthly s WHERE s.month = m0
     ORDER BY s.carrier NULLS LAST, s.country NULLS LAST;
END $$;
