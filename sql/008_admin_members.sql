-- 008_admin_members: member registration (seed S300-S350), SIP credentials, member status,
-- and bare SIP accounts for benches. Passwords are hashed at once and never stored or logged.

-- HA1 digests of username:realm:password.
CREATE FUNCTION sip_ha1_md5(username text, realm text, password text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT md5($1 || ':' || $2 || ':' || $3)
$$;
CREATE FUNCTION sip_ha1_sha256(username text, realm text, password text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT encode(sha256(convert_to($1 || ':' || $2 || ':' || $3, 'UTF8')), 'hex')
$$;

-- Internal: the members row or a clear error.
CREATE FUNCTION member_get(member_id bigint) RETURNS members
LANGUAGE plpgsql STABLE AS $$
DECLARE m members;
BEGIN
    SELECT * INTO m FROM members x WHERE x.id = member_id;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'member % does not exist', member_id USING ERRCODE = 'no_data_found';
    END IF;
    RETURN m;
END $$;

-- Internal: the countries row for '082' / '82' / '+82', or a clear error.
CREATE FUNCTION country_get(country text) RETURNS countries
LANGUAGE plpgsql STABLE AS $$
DECLARE c countries;
BEGIN
    IF country IS NULL THEN
        RAISE EXCEPTION 'a country code is required, e.g. 082' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    SELECT * INTO c FROM countries x WHERE x.code = country_code_norm(country);
    IF NOT FOUND THEN
        RAISE EXCEPTION 'country % is not configured (see the countries table)', country_code_norm(country)
            USING ERRCODE = 'no_data_found';
    END IF;
    RETURN c;
END $$;

-- member_register: store a member's registration data; returns the new member id.
CREATE FUNCTION member_register(
    kind           text,
    name           text,
    country        text,
    contact_pstn   text,
    email          text    DEFAULT NULL,
    home_page      text    DEFAULT NULL,
    address        text    DEFAULT NULL,
    birth_date     date    DEFAULT NULL,
    company_reg_no text    DEFAULT NULL,
    contact_person text    DEFAULT NULL,
    other_voip     text[]  DEFAULT '{}',
    details        jsonb   DEFAULT '{}'
) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
    c countries;
    new_id bigint;
    v text;
    v164 text;
    owner bigint;
BEGIN
    IF kind IS NULL OR kind NOT IN ('individual', 'company') THEN
        RAISE EXCEPTION 'member kind must be individual or company, not "%"', kind
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF coalesce(btrim(name), '') = '' THEN
        RAISE EXCEPTION 'a member needs a name' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    c := country_get(country);
    IF contact_pstn IS NULL THEN
        RAISE EXCEPTION 'a contactable PSTN number is required, e.g. +82262006200'
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF email IS NOT NULL THEN
        SELECT m.id INTO owner FROM members m WHERE lower(m.email) = lower(btrim(member_register.email));
        IF FOUND THEN
            RAISE EXCEPTION 'e-mail % is already registered to member %', email, owner
                USING ERRCODE = 'unique_violation';
        END IF;
    END IF;
    IF kind = 'individual' AND (company_reg_no IS NOT NULL OR contact_person IS NOT NULL) THEN
        RAISE EXCEPTION 'an individual has no company registration number or contact person'
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF kind = 'company' AND birth_date IS NOT NULL THEN
        RAISE EXCEPTION 'a company has no birth date' USING ERRCODE = 'invalid_parameter_value';
    END IF;

    INSERT INTO members (kind, name, country_code, email, home_page, contact_pstn, address,
                         birth_date, company_reg_no, contact_person, details)
    VALUES (kind, btrim(name), c.code, lower(btrim(email)), btrim(home_page),
            e164_norm(contact_pstn, c.code), address, birth_date, company_reg_no, contact_person,
            coalesce(details, '{}'))
    RETURNING id INTO new_id;

    FOREACH v IN ARRAY coalesce(other_voip, '{}') LOOP
        v164 := e164_norm(v, c.code);
        SELECT n.member_id INTO owner FROM member_voip_numbers n WHERE n.number = v164;
        IF FOUND THEN
            RAISE EXCEPTION 'VoIP number % is already registered to member %', v164, owner
                USING ERRCODE = 'unique_violation';
        END IF;
        INSERT INTO member_voip_numbers (number, member_id, carrier_id)
        VALUES (v164, new_id,
                (SELECT p.carrier_id FROM carrier_prefixes p
                  WHERE substr(v164, 2) LIKE p.prefix || '%'
                  ORDER BY length(p.prefix) DESC LIMIT 1));
    END LOOP;
    RETURN new_id;
END $$;

-- member_set_password: set the SIP digest credentials of one of the member's numbers
-- (a PIN, or a VNS branch like 6200-6200#082). Without a number the member's only one is used.
-- Stores HA1 for MD5 and SHA-256; the password itself is neither stored nor echoed.
-- Returns the SIP username (the canonical number).
CREATE FUNCTION member_set_password(member_id bigint, password text, number text DEFAULT NULL)
RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
    m members;
    realm text := coalesce(setting('sip.realm'), 'vce.local');
    minlen int := coalesce(setting('password.min_length')::int, 8);
    want text;
    cands text[];
    cand_ids bigint[];
    uname text;
    nid bigint;
BEGIN
    m := member_get(member_id);
    IF password IS NULL OR length(password) < minlen THEN
        RAISE EXCEPTION 'the password must have at least % characters', minlen
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    -- The member's dialable numbers: sold PINs and VNS branches.
    SELECT array_agg(x.canonical ORDER BY x.canonical), array_agg(x.nid ORDER BY x.canonical)
      INTO cands, cand_ids
      FROM (SELECT n.canonical, n.id AS nid FROM numbers n
             WHERE n.member_id = m.id AND n.kind = 'pin' AND n.status IN ('sold', 'suspended')
            UNION ALL
            SELECT b.canonical, n.id FROM vns_branches b JOIN numbers n ON n.id = b.number_id
             WHERE n.member_id = m.id) x;
    IF number IS NOT NULL THEN
        want := number_canonical(number);
        IF want !~ '#' AND EXISTS (SELECT 1 FROM numbers n WHERE n.canonical = want AND n.kind = 'vns') THEN
            RAISE EXCEPTION 'company number % has one account per branch: give the branch, e.g. %#082',
                number_written(want), number_written(want)
                USING ERRCODE = 'invalid_parameter_value';
        END IF;
        IF NOT want = ANY (coalesce(cands, '{}')) THEN
            RAISE EXCEPTION 'number % does not belong to member %', number_written(want), m.id
                USING ERRCODE = 'invalid_parameter_value';
        END IF;
        uname := want;
    ELSIF coalesce(array_length(cands, 1), 0) = 0 THEN
        RAISE EXCEPTION 'member % has no number yet: buy one (number_request) or add a branch (company_branch_add) first', m.id
            USING ERRCODE = 'invalid_parameter_value';
    ELSIF array_length(cands, 1) > 1 THEN
        RAISE EXCEPTION 'member % has % numbers (%): say which one', m.id, array_length(cands, 1),
            (SELECT string_agg(number_written(c), ', ') FROM unnest(cands) c)
            USING ERRCODE = 'invalid_parameter_value';
    ELSE
        uname := cands[1];
    END IF;
    nid := cand_ids[array_position(cands, uname)];

    INSERT INTO sip_accounts AS a (username, realm, ha1_md5, ha1_sha256, member_id, number_id, enabled)
    VALUES (uname, realm, sip_ha1_md5(uname, realm, password), sip_ha1_sha256(uname, realm, password),
            m.id, nid, m.status = 'active')
    ON CONFLICT ON CONSTRAINT sip_accounts_pkey DO UPDATE
       SET realm = EXCLUDED.realm, ha1_md5 = EXCLUDED.ha1_md5, ha1_sha256 = EXCLUDED.ha1_sha256,
           member_id = EXCLUDED.member_id, number_id = EXCLUDED.number_id, enabled = EXCLUDED.enabled;

    UPDATE vns_branches b SET sip_username = uname
     WHERE b.canonical = uname AND b.sip_username IS DISTINCT FROM uname;
    RETURN uname;
END $$;

-- member_set_status: active / suspended / closed. Accounts follow (enabled only when active).
CREATE FUNCTION member_set_status(member_id bigint, status text, reason text DEFAULT NULL)
RETURNS text
LANGUAGE plpgsql AS $$
DECLARE m members; n int;
BEGIN
    m := member_get(member_id);
    IF status IS NULL OR status NOT IN ('active', 'suspended', 'closed') THEN
        RAISE EXCEPTION 'member status must be active, suspended or closed, not "%"', status
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF m.status = 'closed' AND status <> 'closed' THEN
        RAISE EXCEPTION 'member % is closed and cannot become %', m.id, status
            USING ERRCODE = 'object_not_in_prerequisite_state';
    END IF;
    UPDATE members x SET status = member_set_status.status, status_reason = reason WHERE x.id = m.id;
    UPDATE sip_accounts a SET enabled = (member_set_status.status = 'active')
     WHERE a.member_id = m.id AND a.enabled IS DISTINCT FROM (member_set_status.status = 'active');
    GET DIAGNOSTICS n = ROW_COUNT;
    RETURN format('member %s is %s; %s SIP account(s) %s', m.id, member_set_status.status, n,
                  CASE WHEN member_set_status.status = 'active' THEN 'enabled' ELSE 'disabled' END);
END $$;

-- sip_account_provision: create or update a bare account (no member), e.g. bench users.
-- Set-based use: SELECT sip_account_provision(g::text, 'vce.local', 'pw' || g)
--                  FROM generate_series(1000000, 1009999) g;
CREATE FUNCTION sip_account_provision(username text, realm text, password text) RETURNS void
LANGUAGE sql AS $$
    INSERT INTO sip_accounts (username, realm, ha1_md5, ha1_sha256)
    VALUES ($1, $2, sip_ha1_md5($1, $2, $3), sip_ha1_sha256($1, $2, $3))
    ON CONFLICT (username) DO UPDATE
       SET realm = EXCLUDED.realm, ha1_md5 = EXCLUDED.ha1_md5,
           ha1_sha256 = EXCLUDED.ha1_sha256, enabled = true
$$;

-- Bulk form, one statement: usernames[i] gets passwords[i]. Returns the number of accounts.
CREATE FUNCTION sip_account_provision(usernames text[], realm text, passwords text[]) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE n bigint;
BEGIN
    IF coalesce(array_length(usernames, 1), 0) <> coalesce(array_length(passwords, 1), 0) THEN
        RAISE EXCEPTION 'got % usernames but % passwords', coalesce(array_length(usernames, 1), 0),
            coalesce(array_length(passwords, 1), 0) USING ERRCODE = 'invalid_parameter_value';
    END IF;
    INSERT INTO sip_accounts AS a (username, realm, ha1_md5, ha1_sha256)
    SELECT u, realm, sip_ha1_md5(u, realm, p), sip_ha1_sha256(u, realm, p)
      FROM unnest(usernames, passwords) AS t(u, p)
    ON CONFLICT ON CONSTRAINT sip_accounts_pkey DO UPDATE
       SET realm = EXCLUDED.realm, ha1_md5 = EXCLUDED.ha1_md5,
           ha1_sha256 = EXCLUDED.ha1_sha256, enabled = true;
    GET DIAGNOSTICS n = ROW_COUNT;
    RETURN n;
END $$;
