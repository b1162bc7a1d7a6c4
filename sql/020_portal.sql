-- 020_portal: what the web portal (modules/res_http) adds to the sale workflow. A newcomer
-- buys a number without an account: the request registers the buyer (member_register) and
-- asks for the number (number_request) in one transaction, and gives back a secret link to
-- the order (only its SHA-256 is stored). The rules stay in the functions of 008/009: these
-- only call them.

CREATE TABLE portal_orders (
    order_id          bigint PRIMARY KEY REFERENCES number_orders (id) ON DELETE CASCADE,
    token_sha256      text NOT NULL
                      CONSTRAINT "order link hash is 64 lowercase hex digits" CHECK (token_sha256 ~ '^[0-9a-f]{64}$'),
    branch_countries  text[] NOT NULL DEFAULT '{}',   -- a company's branch countries, '082'
    payment_reference text UNIQUE,                     -- what the buyer quotes on the bank transfer
    created_at        timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE portal_orders IS 'Orders placed through the web portal: the buyer''s secret link (hashed), branches, bank-transfer reference.';

-- Internal: the order behind a portal link, or the one refusal for a wrong id and a wrong
-- secret alike (so a guessed id tells nothing).
CREATE FUNCTION portal_order_get(order_id bigint, token text) RETURNS portal_orders
LANGUAGE plpgsql STABLE AS $$
DECLARE p portal_orders;
BEGIN
    SELECT * INTO p FROM portal_orders x
     WHERE x.order_id = portal_order_get.order_id
       AND x.token_sha256 = encode(sha256(convert_to(coalesce(token, ''), 'UTF8')), 'hex');
    IF NOT FOUND THEN
        RAISE EXCEPTION 'no order % with this link: open the link you were given when you asked for the number', order_id
            USING ERRCODE = 'no_data_found';
    END IF;
    RETURN p;
END $$;

-- portal_order_request: a newcomer asks for a number. Registers the buyer with the seed's
-- fields, requests the number, remembers the branch countries of a company number.
-- Returns the order id and the secret of the order's link (shown once, never stored).
CREATE FUNCTION portal_order_request(
    number           text,
    kind             text,
    name             text,
    country          text,
    contact_pstn     text,
    email            text    DEFAULT NULL,
    address          text    DEFAULT NULL,
    company_reg_no   text    DEFAULT NULL,
    contact_person   text    DEFAULT NULL,
    other_voip       text[]  DEFAULT '{}',
    branch_countries text[]  DEFAULT '{}',
    OUT order_id bigint,
    OUT token text
)
LANGUAGE plpgsql AS $$
DECLARE
    m bigint;
    branches text[] := '{}';
    b text;
BEGIN
    IF coalesce(btrim(email), '') = '' THEN
        RAISE EXCEPTION 'an e-mail address is needed so that we can tell you when the order is decided'
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF kind = 'individual' AND cardinality(coalesce(branch_countries, '{}')) > 0 THEN
        RAISE EXCEPTION 'branch countries are for company numbers; an individual gets one personal number'
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    FOREACH b IN ARRAY coalesce(branch_countries, '{}') LOOP
        branches := branches || (country_get(b)).code::text;
    END LOOP;
    m := member_register(kind, name, country, contact_pstn, email => email,
                         address => nullif(btrim(address), ''),
                         company_reg_no => nullif(btrim(company_reg_no), ''),
                         contact_person => nullif(btrim(contact_person), ''),
                         other_voip => coalesce(other_voip, '{}'));
    order_id := number_request(m, number, 'web portal');
    token := replace(gen_random_uuid()::text, '-', '') || replace(gen_random_uuid()::text, '-', '');
    INSERT INTO portal_orders (order_id, token_sha256, branch_countries)
    VALUES (portal_order_request.order_id, encode(sha256(convert_to(token, 'UTF8')), 'hex'),
            (SELECT coalesce(array_agg(DISTINCT x ORDER BY x), '{}') FROM unnest(branches) x));
END $$;

-- portal_order_status: what the buyer sees at the order's link.
CREATE FUNCTION portal_order_status(order_id bigint, token text)
RETURNS TABLE (id bigint, number text, kind text, status text, price numeric,
               reject_reason text, payment_reference text, branch_countries text[],
               member_name text, requested_at timestamptz)
LANGUAGE plpgsql STABLE AS $$
DECLARE p portal_orders := portal_order_get(order_id, token);
BEGIN
    RETURN QUERY
        SELECT o.id, n.written, n.kind, o.status, o.price, o.reject_reason, p.payment_reference,
               p.branch_countries, m.name, o.requested_at
          FROM number_orders o JOIN numbers n ON n.id = o.number_id JOIN members m ON m.id = o.member_id
         WHERE o.id = p.order_id;
END $$;

-- portal_order_select: the buyer's final selection of an approved order (number_select);
-- returns the bank-transfer reference to quote: an operator records the payment with it
-- (number_pay(order, amount, reference)) once the money is in.
CREATE FUNCTION portal_order_select(order_id bigint, token text) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
    p portal_orders := portal_order_get(order_id, token);
    ref text;
BEGIN
    PERFORM number_select(p.order_id);
    ref := 'VCE-' || p.order_id || '-' || upper(substr(md5(random()::text || clock_timestamp()::text), 1, 6));
    UPDATE portal_orders x SET payment_reference = ref WHERE x.order_id = p.order_id;
    RETURN ref;
END $$;

-- portal_order_register (seed S300-S350, the last step): once the order is paid, the buyer
-- chooses the password of the SIP account(s): the PIN's own account (member_set_password),
-- or a company number's branch accounts, one per branch country (company_branch_add). Once
-- only: a number that has its account already is refused. Returns the accounts a softphone
-- needs (username, realm).
CREATE FUNCTION portal_order_register(order_id bigint, token text, password text)
RETURNS TABLE (username text, realm text)
LANGUAGE plpgsql AS $$
DECLARE
    p portal_orders := portal_order_get(order_id, token);
    o number_orders;
    n numbers;
    b text;
BEGIN
    SELECT * INTO o FROM number_orders x WHERE x.id = p.order_id FOR UPDATE;
    IF o.status <> 'paid' THEN
        RAISE EXCEPTION 'order % %: the SIP account is set up once the payment is confirmed', o.id,
            order_state_phrase(o.status) USING ERRCODE = 'object_not_in_prerequisite_state';
    END IF;
    SELECT * INTO n FROM numbers x WHERE x.id = o.number_id;
    IF EXISTS (SELECT 1 FROM sip_accounts s WHERE s.number_id = n.id)
       OR EXISTS (SELECT 1 FROM vns_branches v WHERE v.number_id = n.id) THEN
        RAISE EXCEPTION 'the SIP account of % is already set up', n.written
            USING ERRCODE = 'unique_violation';
    END IF;
    IF n.kind = 'pin' THEN
        PERFORM member_set_password(o.member_id, password, n.written);
    ELSE
        IF cardinality(p.branch_countries) = 0 THEN
            RAISE EXCEPTION 'company number % has no branch country: ask us to add one', n.written
                USING ERRCODE = 'object_not_in_prerequisite_state';
        END IF;
        FOREACH b IN ARRAY p.branch_countries LOOP
            PERFORM company_branch_add(n.written || '#' || b, password => password);
        END LOOP;
    END IF;
    RETURN QUERY
        SELECT s.username, s.realm FROM sip_accounts s
         WHERE s.number_id = n.id
            OR s.username IN (SELECT v.sip_username FROM vns_branches v WHERE v.number_id = n.id)
         ORDER BY s.username;
END $$;
