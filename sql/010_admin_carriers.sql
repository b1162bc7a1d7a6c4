-- 010_admin_carriers: carriers, trunk groups, rates (the fee system) and rating of CDRs.

-- Internal: '+82 70' / '8270' -> '8270', or a clear error.
CREATE FUNCTION prefix_norm(prefix text) RETURNS text
LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE p text := regexp_replace(coalesce(prefix, ''), '[ +.-]', '', 'g');
BEGIN
    IF p !~ '^[0-9]{1,15}$' THEN
        RAISE EXCEPTION 'prefix "%" is not valid: give 1 to 15 digits of the E.164 number without +, e.g. 8270', prefix
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    RETURN p;
END $$;

-- Internal: check a SIP address with a readable message.
CREATE FUNCTION sip_uri_check(what text, uri text) RETURNS text
LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
    IF uri IS NULL OR uri !~ '^sips?:([^@\s]+@)?[A-Za-z0-9.\[\]:-]+(:[0-9]{1,5})?(;[^\s]*)?$' THEN
        RAISE EXCEPTION '% "%" is not a SIP address like sip:centre.example.net:5060', what, uri
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    RETURN uri;
END $$;

-- carrier_add: another VoIP operator, its centre's SIP address and its number prefixes
-- (E.164 digits). Returns the carrier id.
CREATE FUNCTION carrier_add(name text, sip_address text, prefixes text[], country text DEFAULT NULL)
RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
    dup bigint;
    p text;
    holder text;
    cc text;
    new_id bigint;
BEGIN
    IF coalesce(btrim(name), '') = '' THEN
        RAISE EXCEPTION 'a carrier needs a name' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    SELECT c.id INTO dup FROM carriers c WHERE lower(c.name) = lower(btrim(carrier_add.name));
    IF FOUND THEN
        RAISE EXCEPTION 'carrier % already exists (id %)', btrim(name), dup USING ERRCODE = 'unique_violation';
    END IF;
    PERFORM sip_uri_check('carrier centre address', sip_address);
    IF coalesce(array_length(prefixes, 1), 0) = 0 THEN
        RAISE EXCEPTION 'carrier % needs at least one number prefix, e.g. ARRAY[''8270'']', btrim(name)
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF country IS NOT NULL THEN
        cc := (country_get(country)).code;
    END IF;
    INSERT INTO carriers (name, country_code, sip_address)
    VALUES (btrim(name), cc, sip_address)
    RETURNING id INTO new_id;
    FOREACH p IN ARRAY prefixes LOOP
        p := prefix_norm(p);
        SELECT c.name INTO holder FROM carrier_prefixes x JOIN carriers c ON c.id = x.carrier_id
         WHERE x.prefix = p;
        IF FOUND THEN
            RAISE EXCEPTION 'prefix % already belongs to carrier %', p, holder USING ERRCODE = 'unique_violation';
        END IF;
        INSERT INTO carrier_prefixes (prefix, carrier_id) VALUES (p, new_id);
    END LOOP;
    RETURN new_id;
END $$;

-- trunk_add: a TDM trunk group reaching the PSTN of a country. prefixes default to the
-- country's E.164 code; gateway is the edge box holding the group (NULL = this box).
CREATE FUNCTION trunk_add(name text, country text, tdm_group text, prefixes text[] DEFAULT NULL,
                          gateway text DEFAULT NULL, channels int DEFAULT NULL, priority int DEFAULT 10)
RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
    c countries := country_get(country);
    p text;
    new_id bigint;
BEGIN
    IF EXISTS (SELECT 1 FROM trunks t WHERE t.name = trunk_add.name) THEN
        RAISE EXCEPTION 'trunk % already exists', name USING ERRCODE = 'unique_violation';
    END IF;
    IF gateway IS NOT NULL THEN
        PERFORM sip_uri_check('trunk gateway address', gateway);
    END IF;
    INSERT INTO trunks (name, country_code, tdm_group, gateway, channels, priority)
    VALUES (name, c.code, tdm_group, gateway, channels, priority)
    RETURNING id INTO new_id;
    FOREACH p IN ARRAY coalesce(prefixes, ARRAY[c.e164_code]) LOOP
        INSERT INTO trunk_prefixes (trunk_id, prefix) VALUES (new_id, prefix_norm(p))
        ON CONFLICT DO NOTHING;
    END LOOP;
    RETURN new_id;
END $$;

-- rate_set: the price of calls to a destination prefix from valid_from on. The previous rate
-- of the same prefix ends where this one starts, so older calls keep their old price.
-- carrier NULL: the retail rate members pay; a carrier name: what that carrier charges us.
-- Billing: first_increment seconds are charged for any answered call, then whole increments.
CREATE FUNCTION rate_set(
    prefix           text,
    price_per_minute numeric,
    increment        int         DEFAULT 60,
    first_increment  int         DEFAULT NULL,   -- NULL: same as increment
    connect_fee      numeric     DEFAULT 0,
    description      text        DEFAULT NULL,
    carrier          text        DEFAULT NULL,
    valid_from       timestamptz DEFAULT now()
) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
    p text := prefix_norm(prefix);
    cid bigint;
    nxt timestamptz;
    rid bigint;
BEGIN
    IF price_per_minute IS NULL OR price_per_minute < 0 THEN
        RAISE EXCEPTION 'price per minute for prefix % must be 0 or more', p USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF increment IS NULL OR increment NOT BETWEEN 1 AND 3600
       OR coalesce(first_increment, increment) NOT BETWEEN 1 AND 3600 THEN
        RAISE EXCEPTION 'billing increments for prefix % must be 1 to 3600 seconds', p
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF carrier IS NOT NULL THEN
        SELECT c.id INTO cid FROM carriers c WHERE lower(c.name) = lower(btrim(carrier));
        IF NOT FOUND THEN
            RAISE EXCEPTION 'carrier % does not exist', carrier USING ERRCODE = 'no_data_found';
        END IF;
    END IF;
    SELECT min(r.valid_from) INTO nxt FROM rates r
     WHERE r.carrier_id IS NOT DISTINCT FROM cid AND r.prefix = p AND r.valid_from > rate_set.valid_from;
    UPDATE rates r SET valid_until = rate_set.valid_from
     WHERE r.carrier_id IS NOT DISTINCT FROM cid AND r.prefix = p AND r.valid_from < rate_set.valid_from
       AND (r.valid_until IS NULL OR r.valid_until > rate_set.valid_from);
    UPDATE rates r
       SET description = rate_set.description, price_per_minute = rate_set.price_per_minute,
           connect_fee = coalesce(rate_set.connect_fee, 0),
           first_increment = coalesce(rate_set.first_increment, rate_set.increment),
           increment = rate_set.increment, valid_until = nxt
     WHERE r.carrier_id IS NOT DISTINCT FROM cid AND r.prefix = p AND r.valid_from = rate_set.valid_from
    RETURNING r.id INTO rid;
    IF NOT FOUND THEN
        INSERT INTO rates (carrier_id, prefix, description, price_per_minute, connect_fee,
                           first_increment, increment, valid_from, valid_until)
        VALUES (cid, p, description, price_per_minute, coalesce(connect_fee, 0),
                coalesce(first_increment, increment), increment, valid_from, nxt)
        RETURNING id INTO rid;
    END IF;
    RETURN rid;
END $$;

-- Seconds charged for a call of `seconds` billable seconds.
CREATE FUNCTION rate_charged_seconds(seconds int, first_increment int, increment int) RETURNS int
LANGUAGE sql IMMUTABLE STRICT AS $$
    SELECT CASE WHEN seconds <= 0 THEN 0
                WHEN seconds <= first_increment THEN first_increment
                ELSE first_increment + (ceil((seconds - first_increment)::numeric / increment) * increment)::int
           END
$$;

-- The rate for an E.164 destination (digits, '+' allowed) at a time: longest prefix wins.
CREATE FUNCTION rate_find(destination text, at timestamptz DEFAULT now(), carrier_id bigint DEFAULT NULL)
RETURNS rates
LANGUAGE sql STABLE AS $$
    SELECT r.* FROM rates r
     WHERE r.carrier_id IS NOT DISTINCT FROM $3
       AND r.prefix IN (SELECT left(d, i) FROM (SELECT ltrim($1, '+') AS d) x,
                               generate_series(1, length(x.d)) i)
       AND r.valid_from <= $2 AND (r.valid_until IS NULL OR r.valid_until > $2)
     ORDER BY length(r.prefix) DESC
     LIMIT 1
$$;

-- Cost of `seconds` billable seconds to a destination at a time (NULL when no rate matches).
CREATE FUNCTION rate_cost(destination text, seconds int, at timestamptz DEFAULT now()) RETURNS numeric
LANGUAGE sql STABLE AS $$
    SELECT CASE WHEN $2 <= 0 THEN 0::numeric
                ELSE round(r.connect_fee + rate_charged_seconds($2, r.first_increment, r.increment)
                                           * r.price_per_minute / 60, 4) END
      FROM rate_find($1, $3) r
     WHERE r.id IS NOT NULL
$$;

-- Internal: is this party one of our own numbers/accounts (calls to them are free)?
CREATE FUNCTION is_own_number(party text) RETURNS boolean
LANGUAGE sql STABLE AS $$
    SELECT EXISTS (SELECT 1 FROM numbers n WHERE n.canonical = replace(u, '-', ''))
        OR EXISTS (SELECT 1 FROM vns_branches b WHERE b.canonical = replace(u, '-', ''))
        OR EXISTS (SELECT 1 FROM sip_accounts a WHERE a.username = replace(u, '-', ''))
      FROM (SELECT sip_user_part($1) AS u) x
$$;

-- cdr_rate: fill billable_seconds (answer to end; ring time is not billed) and cost of one
-- CDR leg from the retail rates valid when the call started. Unanswered legs and calls to
-- our own numbers cost 0. Returns the cost; NULL (and a NOTICE) when no rate matches.
CREATE FUNCTION cdr_rate(cdr_id bigint) RETURNS numeric
LANGUAGE plpgsql AS $$
DECLARE
    c cdrs;
    secs int;
    dest text;
    amount numeric;
BEGIN
    SELECT * INTO c FROM cdrs x WHERE x.id = cdr_id FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'CDR % does not exist', cdr_id USING ERRCODE = 'no_data_found';
    END IF;
    secs := CASE WHEN c.answered_at IS NOT NULL AND c.ended_at IS NOT NULL
                 THEN greatest(0, ceil(extract(epoch FROM c.ended_at - c.answered_at)))::int
                 ELSE coalesce(c.billable_seconds, 0) END;
    dest := sip_user_part(coalesce(c.routed_to, c.dialled, ''));
    IF c.disposition IS DISTINCT FROM 'ANSWER' OR secs = 0 THEN
        secs := CASE WHEN c.disposition = 'ANSWER' THEN secs ELSE 0 END;
        amount := 0;
    ELSIF is_own_number(dest) THEN
        amount := 0;
    ELSE
        dest := regexp_replace(regexp_replace(dest, '^(\+|00)', ''), '[^0-9]', '', 'g');
        amount := rate_cost(dest, secs, c.started_at);
        IF amount IS NULL THEN
            RAISE NOTICE 'CDR % (call %, leg %): no rate matches destination %', c.id, c.call_id, c.leg, dest;
        END IF;
    END IF;
    UPDATE cdrs x SET billable_seconds = secs, cost = amount WHERE x.id = c.id;
    RETURN amount;
END $$;

-- cdr_rate_pending: rate every finished, unrated leg (batch form). Returns how many got a cost.
CREATE FUNCTION cdr_rate_pending(max_rows int DEFAULT 100000) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
    i bigint;
    n bigint := 0;
BEGIN
    FOR i IN SELECT x.id FROM cdrs x WHERE x.cost IS NULL AND x.ended_at IS NOT NULL
             ORDER BY x.id LIMIT max_rows LOOP
        IF cdr_rate(i) IS NOT NULL THEN
            n := n + 1;
        END IF;
    END LOOP;
    RETURN n;
END $$;
