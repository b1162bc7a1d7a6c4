-- 009_admin_numbers: inventory and the number-sale workflow (seed S200-S280), company
-- branches and aliases. Every refusal says what was wrong in words an admin can act on.

-- number_add: put a number into the inventory, written with dashes so its parts are clear:
-- PIN 02-6200-6200-082 (area-local-country) or VNS base 6200-6200. Returns the id.
CREATE FUNCTION number_add(number text, price numeric) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
    canon text := number_canonical(number);
    g text[] := regexp_split_to_array(btrim(number), '[ .-]');
    c countries;
    n_kind text; n_area text; n_local text; n_cc text;
    nsn int;
    dup bigint;
    new_id bigint;
BEGIN
    IF canon ~ '#' THEN
        RAISE EXCEPTION '% is a branch of a company number: add the company number itself (e.g. %) and its branches with company_branch_add',
            number, number_format_local(split_part(canon, '#', 1))
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF price IS NULL OR price < 0 THEN
        RAISE EXCEPTION 'the price of % must be 0 or more', number USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF array_length(g, 1) >= 3 THEN
        n_kind := 'pin';
        n_area := g[1];
        n_cc := g[array_length(g, 1)];
        n_local := array_to_string(g[2:array_length(g, 1) - 1], '');
        c := country_get(n_cc);
        IF c.trunk_prefix <> '' AND left(n_area, length(c.trunk_prefix)) <> c.trunk_prefix THEN
            RAISE EXCEPTION 'number %: area % must start with the trunk prefix % of country % (write %)',
                number, n_area, c.trunk_prefix, c.code, c.trunk_prefix || n_area
                USING ERRCODE = 'invalid_parameter_value';
        END IF;
        nsn := length(n_area) - length(c.trunk_prefix) + length(n_local);
        IF nsn NOT BETWEEN c.national_min_len AND c.national_max_len THEN
            RAISE EXCEPTION 'number %: national numbers of % have % to % digits after the trunk prefix, this one has %',
                number, c.name, c.national_min_len, c.national_max_len, nsn
                USING ERRCODE = 'invalid_parameter_value';
        END IF;
    ELSIF array_length(g, 1) = 2 THEN
        n_kind := 'vns';
        n_local := g[1] || g[2];
    ELSE
        RAISE EXCEPTION 'write a new number with dashes so its parts are clear: PIN 02-6200-6200-082 or company number 6200-6200, not %', number
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    SELECT x.id INTO dup FROM numbers x WHERE x.canonical = canon;
    IF FOUND THEN
        RAISE EXCEPTION 'number % is already in the inventory (id %)', number_written(n_kind, n_area, n_local, n_cc), dup
            USING ERRCODE = 'unique_violation';
    END IF;
    INSERT INTO numbers (kind, country_code, area, local, price)
    VALUES (n_kind, n_cc, n_area, n_local, price)
    RETURNING id INTO new_id;
    RETURN new_id;
END $$;

-- Internal: the inventory row of a written number (PIN, VNS base, or VNS branch -> its base).
CREATE FUNCTION number_find(number text, lock boolean DEFAULT false) RETURNS numbers
LANGUAGE plpgsql AS $$
DECLARE
    canon text := number_canonical(number);
    n numbers;
BEGIN
    IF lock THEN
        SELECT * INTO n FROM numbers x WHERE x.canonical = split_part(canon, '#', 1) FOR UPDATE;
    ELSE
        SELECT * INTO n FROM numbers x WHERE x.canonical = split_part(canon, '#', 1);
    END IF;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'number % is not one of our numbers', number_written(canon)
            USING ERRCODE = 'no_data_found';
    END IF;
    RETURN n;
END $$;

-- Written form of a canonical number (any form accepted): looks the parts up in the inventory.
CREATE FUNCTION number_written(number text) RETURNS text
LANGUAGE plpgsql STABLE STRICT AS $$
DECLARE canon text := number_canonical(number); w text;
BEGIN
    SELECT x.written INTO w FROM numbers x WHERE x.canonical = split_part(canon, '#', 1);
    IF FOUND THEN
        RETURN w || CASE WHEN canon ~ '#' THEN '#' || split_part(canon, '#', 2) ELSE '' END;
    END IF;
    IF canon ~ '#' THEN
        RETURN number_format_local(split_part(canon, '#', 1)) || '#' || split_part(canon, '#', 2);
    END IF;
    RETURN canon;
END $$;

-- number_search: numbers for sale. pattern: digits anywhere in the number ('6200'), or with
-- wildcards * and ? over the whole canonical number ('02*082'); dashes are ignored.
CREATE FUNCTION number_search(
    pattern             text    DEFAULT NULL,
    of_kind             text    DEFAULT NULL,   -- 'pin' or 'vns'
    in_country          text    DEFAULT NULL,   -- '082'
    max_price           numeric DEFAULT NULL,
    include_unavailable boolean DEFAULT false,
    max_rows            int     DEFAULT 50
) RETURNS TABLE (number text, canonical text, kind text, country text, area text,
                 price numeric, status text)
LANGUAGE plpgsql STABLE AS $$
DECLARE
    p text := regexp_replace(coalesce(pattern, ''), '[ .-]', '', 'g');
    cc text;
BEGIN
    IF p ~ '[^0-9*?#]' THEN
        RAISE EXCEPTION 'search pattern "%" may contain only digits, dashes, # and the wildcards * and ?', pattern
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    p := CASE WHEN p ~ '[*?]' THEN replace(replace(p, '*', '%'), '?', '_')
              ELSE '%' || p || '%' END;
    IF of_kind IS NOT NULL AND of_kind NOT IN ('pin', 'vns') THEN
        RAISE EXCEPTION 'number kind is pin or vns, not "%"', of_kind USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF in_country IS NOT NULL THEN
        cc := (country_get(in_country)).code;
    END IF;
    RETURN QUERY
        SELECT n.written, n.canonical, n.kind, n.country_code::text, n.area, n.price, n.status
          FROM numbers n
         WHERE n.canonical LIKE p
           AND (include_unavailable OR n.status = 'available')
           AND (of_kind IS NULL OR n.kind = of_kind)
           AND (cc IS NULL OR n.country_code = cc)
           AND (max_price IS NULL OR n.price <= max_price)
         ORDER BY n.price, n.canonical
         LIMIT max_rows;
END $$;

-- Internal: how an order stands, for messages: 'order 17 was rejected'.
CREATE FUNCTION order_state_phrase(status text) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE status
        WHEN 'requested' THEN 'is awaiting approval'
        WHEN 'approved'  THEN 'is approved and awaiting the final purchase selection'
        WHEN 'selected'  THEN 'is awaiting payment'
        WHEN 'paid'      THEN 'is already paid'
        WHEN 'rejected'  THEN 'was rejected'
        WHEN 'cancelled' THEN 'was cancelled'
    END
$$;

-- Internal: lock an order and check it is in the state a step needs.
CREATE FUNCTION order_lock(order_id bigint, needed text[], verb text) RETURNS number_orders
LANGUAGE plpgsql AS $$
DECLARE o number_orders;
BEGIN
    SELECT * INTO o FROM number_orders x WHERE x.id = order_id FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'order % does not exist', order_id USING ERRCODE = 'no_data_found';
    END IF;
    IF NOT o.status = ANY (needed) THEN
        RAISE EXCEPTION 'order % % and cannot be %', o.id, order_state_phrase(o.status), verb
            USING ERRCODE = 'object_not_in_prerequisite_state';
    END IF;
    RETURN o;
END $$;

-- number_request (S220-S250): a member asks to buy a number. Checks availability and reserves
-- the number for this order; of two buyers racing for one number exactly one gets it.
-- Returns the order id.
CREATE FUNCTION number_request(member_id bigint, number text, note text DEFAULT NULL) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
    m members := member_get(member_id);
    n numbers;
    holder bigint;
    new_id bigint;
BEGIN
    IF m.status <> 'active' THEN
        RAISE EXCEPTION 'member % is % and cannot buy numbers', m.id, m.status
            USING ERRCODE = 'object_not_in_prerequisite_state';
    END IF;
    IF number_canonical(number) ~ '#' THEN
        RAISE EXCEPTION '% is a branch: buy the company number % itself, then add branches with company_branch_add',
            number, number_format_local(split_part(number_canonical(number), '#', 1))
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    n := number_find(number, lock => true);   -- row lock: a racing buyer waits here
    IF n.kind = 'pin' AND m.kind <> 'individual' THEN
        RAISE EXCEPTION 'number % is a personal number (PIN) for individuals; member % is a company', n.written, m.id
            USING ERRCODE = 'invalid_parameter_value';
    ELSIF n.kind = 'vns' AND m.kind <> 'company' THEN
        RAISE EXCEPTION 'number % is a company number (VNS); member % is an individual', n.written, m.id
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF n.status = 'sold' THEN
        RAISE EXCEPTION 'number % is already sold', n.written USING ERRCODE = 'object_not_in_prerequisite_state';
    ELSIF n.status = 'suspended' THEN
        RAISE EXCEPTION 'number % is suspended and cannot be sold', n.written USING ERRCODE = 'object_not_in_prerequisite_state';
    ELSIF n.status = 'reserved' THEN
        SELECT o.id INTO holder FROM number_orders o
         WHERE o.number_id = n.id AND o.status IN ('requested', 'approved', 'selected');
        RAISE EXCEPTION 'number % is already reserved by order %', n.written, holder
            USING ERRCODE = 'object_not_in_prerequisite_state';
    END IF;
    INSERT INTO number_orders (member_id, number_id, price, note)
    VALUES (m.id, n.id, n.price, note)
    RETURNING id INTO new_id;
    UPDATE numbers x SET status = 'reserved' WHERE x.id = n.id;
    RETURN new_id;
END $$;

-- number_approve (S250): the sale is approved; the buyer may now make the final selection.
CREATE FUNCTION number_approve(order_id bigint) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE o number_orders := order_lock(order_id, '{requested}', 'approved');
BEGIN
    UPDATE number_orders x SET status = 'approved', decided_at = now(), decided_by = current_user
     WHERE x.id = o.id;
    RETURN format('order %s approved; next: the buyer''s final purchase selection (number_select(%s))', o.id, o.id);
END $$;

-- number_reject (S250): the sale is refused with a reason; the number is free again.
CREATE FUNCTION number_reject(order_id bigint, reason text) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE o number_orders;
BEGIN
    IF coalesce(btrim(reason), '') = '' THEN
        RAISE EXCEPTION 'rejecting order % needs a reason the buyer can read', order_id
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    o := order_lock(order_id, '{requested}', 'rejected');
    UPDATE number_orders x SET status = 'rejected', reject_reason = btrim(reason),
                               decided_at = now(), decided_by = current_user
     WHERE x.id = o.id;
    UPDATE numbers x SET status = 'available' WHERE x.id = o.number_id AND x.status = 'reserved';
    RETURN format('order %s rejected; number %s is available again', o.id,
                  (SELECT x.written FROM numbers x WHERE x.id = o.number_id));
END $$;

-- number_select (S260-S270): the buyer's final purchase selection; returns the price due.
CREATE FUNCTION number_select(order_id bigint) RETURNS numeric
LANGUAGE plpgsql AS $$
DECLARE o number_orders := order_lock(order_id, '{approved}', 'selected for purchase');
BEGIN
    UPDATE number_orders x SET status = 'selected', selected_at = now() WHERE x.id = o.id;
    RETURN o.price;
END $$;

-- number_pay (S280): record the payment (amount must equal the price due) and give the
-- number to the member. Returns the number's written form.
CREATE FUNCTION number_pay(order_id bigint, amount numeric, reference text, method text DEFAULT NULL)
RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
    o number_orders := order_lock(order_id, '{selected}', 'paid');
    used bigint;
    w text;
BEGIN
    IF amount IS NULL OR amount <> o.price THEN
        RAISE EXCEPTION 'payment % does not match the price % of order %',
            coalesce(round(amount, 2)::text, 'NULL'), round(o.price, 2), o.id
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF coalesce(btrim(reference), '') = '' THEN
        RAISE EXCEPTION 'a payment needs a reference (bank transfer id, receipt number, ...)'
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    SELECT p.order_id INTO used FROM payments p WHERE p.reference = btrim(number_pay.reference);
    IF FOUND THEN
        RAISE EXCEPTION 'payment reference % was already used for order %', btrim(reference), used
            USING ERRCODE = 'unique_violation';
    END IF;
    INSERT INTO payments (order_id, amount, reference, method)
    VALUES (o.id, amount, btrim(reference), method);
    UPDATE number_orders x SET status = 'paid', paid_at = now() WHERE x.id = o.id;
    UPDATE numbers x SET status = 'sold', member_id = o.member_id, sold_at = now()
     WHERE x.id = o.number_id
    RETURNING x.written INTO w;
    RETURN w;
END $$;

-- number_cancel: withdraw an open order (buyer gave up, payment never came); frees the number.
CREATE FUNCTION number_cancel(order_id bigint, reason text DEFAULT NULL) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE o number_orders := order_lock(order_id, '{requested,approved,selected}', 'cancelled');
BEGIN
    UPDATE number_orders x SET status = 'cancelled', cancelled_at = now(), cancel_reason = reason
     WHERE x.id = o.id;
    UPDATE numbers x SET status = 'available' WHERE x.id = o.number_id AND x.status = 'reserved';
    RETURN format('order %s cancelled; number %s is available again', o.id,
                  (SELECT x.written FROM numbers x WHERE x.id = o.number_id));
END $$;

-- company_branch_add: a branch of a company number in a country: 6200-6200#001 reaches the
-- company's US branch. Optional: the branch's PSTN number (forward_to) and a SIP password for
-- the branch's account (username 62006200#001). Returns the branch's written form.
CREATE FUNCTION company_branch_add(
    number     text,
    country    text DEFAULT NULL,     -- may be omitted when number is written as 6200-6200#001
    name       text DEFAULT NULL,
    forward_to text DEFAULT NULL,
    password   text DEFAULT NULL
) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
    canon text := number_canonical(number);
    n numbers;
    c countries;
    bcanon text;
BEGIN
    IF country IS NULL AND canon ~ '#' THEN
        country := split_part(canon, '#', 2);
    END IF;
    n := number_find(canon, lock => true);
    IF n.kind <> 'vns' THEN
        RAISE EXCEPTION 'number % is a personal number (PIN); branches belong to company numbers like 6200-6200', n.written
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF n.status <> 'sold' THEN
        RAISE EXCEPTION 'company number % is % and belongs to nobody yet; sell it before adding branches', n.written, n.status
            USING ERRCODE = 'object_not_in_prerequisite_state';
    END IF;
    c := country_get(country);
    bcanon := n.canonical || '#' || c.code;
    IF EXISTS (SELECT 1 FROM vns_branches b WHERE b.number_id = n.id AND b.country_code = c.code) THEN
        RAISE EXCEPTION 'company number % already has a branch in % (%)', n.written, c.name, n.written || '#' || c.code
            USING ERRCODE = 'unique_violation';
    END IF;
    INSERT INTO vns_branches (number_id, country_code, canonical, name, forward_to)
    VALUES (n.id, c.code, bcanon, name, e164_norm(forward_to, c.code));
    IF password IS NOT NULL THEN
        PERFORM member_set_password(n.member_id, password, bcanon);
    END IF;
    RETURN n.written || '#' || c.code;
END $$;

-- alias_add: a domain name (company) or e-mail address (individual) resolving to one of the
-- member's numbers (the only one when number is omitted). Returns the target's written form.
CREATE FUNCTION alias_add(member_id bigint, alias text, number text DEFAULT NULL) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
    m members := member_get(member_id);
    a text := lower(btrim(alias));
    a_kind text;
    owner bigint;
    cands text[];
    want text;
BEGIN
    a_kind := CASE WHEN a LIKE '%@%' THEN 'email' ELSE 'domain' END;
    IF m.kind = 'company' AND a_kind <> 'domain' THEN
        RAISE EXCEPTION 'a company''s alias is a domain name like example.com, not an e-mail address (%)', a
            USING ERRCODE = 'invalid_parameter_value';
    ELSIF m.kind = 'individual' AND a_kind <> 'email' THEN
        RAISE EXCEPTION 'an individual''s alias is an e-mail address like kim@example.com, not a domain name (%)', a
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF a_kind = 'domain' AND a !~ '^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$' THEN
        RAISE EXCEPTION 'alias "%" is not a valid domain name (expected something like example.com)', alias
            USING ERRCODE = 'invalid_parameter_value';
    ELSIF a_kind = 'email' AND a !~ '^[a-z0-9._%+-]+@([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$' THEN
        RAISE EXCEPTION 'alias "%" is not a valid e-mail address (expected something like kim@example.com)', alias
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    SELECT x.member_id INTO owner FROM aliases x WHERE x.alias = a;
    IF FOUND AND owner = m.id THEN
        RAISE EXCEPTION 'member % already has alias %', m.id, a USING ERRCODE = 'unique_violation';
    ELSIF FOUND THEN
        RAISE EXCEPTION 'alias % belongs to member %', a, owner USING ERRCODE = 'unique_violation';
    END IF;
    SELECT array_agg(x.canonical ORDER BY x.canonical) INTO cands
      FROM (SELECT n.canonical FROM numbers n WHERE n.member_id = m.id AND n.status = 'sold'
            UNION ALL
            SELECT b.canonical FROM vns_branches b JOIN numbers n ON n.id = b.number_id
             WHERE n.member_id = m.id) x;
    IF number IS NOT NULL THEN
        want := number_canonical(number);
        IF NOT want = ANY (coalesce(cands, '{}')) THEN
            RAISE EXCEPTION 'number % does not belong to member %', number_written(want), m.id
                USING ERRCODE = 'invalid_parameter_value';
        END IF;
    ELSE
        -- default: the member's numbers that are not branches
        SELECT array_agg(c) INTO cands FROM unnest(cands) c WHERE c !~ '#';
        IF coalesce(array_length(cands, 1), 0) = 0 THEN
            RAISE EXCEPTION 'member % has no number for alias % to resolve to; sell the member a number first', m.id, a
                USING ERRCODE = 'object_not_in_prerequisite_state';
        ELSIF array_length(cands, 1) > 1 THEN
            RAISE EXCEPTION 'member % has % numbers (%): say which one alias % resolves to', m.id,
                array_length(cands, 1), (SELECT string_agg(number_written(c), ', ') FROM unnest(cands) c), a
                USING ERRCODE = 'invalid_parameter_value';
        END IF;
        want := cands[1];
    END IF;
    INSERT INTO aliases (alias, kind, member_id, target) VALUES (a, a_kind, m.id, want);
    RETURN number_written(want);
END $$;

-- alias_remove: delete an alias; with member_id, only if it is that member's.
CREATE FUNCTION alias_remove(alias text, member_id bigint DEFAULT NULL) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
    a text := lower(btrim(alias));
    owner bigint;
BEGIN
    SELECT x.member_id INTO owner FROM aliases x WHERE x.alias = a FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'alias % does not exist', a USING ERRCODE = 'no_data_found';
    END IF;
    IF alias_remove.member_id IS NOT NULL AND owner <> alias_remove.member_id THEN
        RAISE EXCEPTION 'alias % belongs to member %', a, owner USING ERRCODE = 'insufficient_privilege';
    END IF;
    DELETE FROM aliases x WHERE x.alias = a;
    RETURN format('alias %s of member %s removed', a, owner);
END $$;
