-- 001_base: settings, number-form helpers (canonical / written) and the routing NOTIFY trigger.
-- Applied by the daemon's migration runner inside one transaction; no BEGIN/COMMIT here.

-- Site-wide settings an admin may change (e.g. the SIP digest realm).
CREATE TABLE settings (
    name  text PRIMARY KEY,
    value text NOT NULL,
    note  text
);
COMMENT ON TABLE settings IS 'Site-wide settings (sip.realm, ...); change with UPDATE.';
INSERT INTO settings (name, value, note) VALUES
    ('sip.realm', 'vce.local', 'SIP digest realm used by member_set_password and company_branch_add'),
    ('password.min_length', '8', 'shortest SIP password member_set_password accepts');

CREATE FUNCTION setting(key text) RETURNS text
LANGUAGE sql STABLE AS $$ SELECT s.value FROM settings s WHERE s.name = key $$;

-- A phone number written by a person, e.g. +82 2-6200-6200, as E.164.
CREATE DOMAIN e164 AS text
    CONSTRAINT "a PSTN number must be E.164, e.g. +82262006200"
    CHECK (VALUE ~ '^\+[1-9][0-9]{6,14}$');

-- Country codes are written with three digits: 082 = +82, 001 = +1.
CREATE DOMAIN country_code AS text
    CONSTRAINT "a country code has 3 digits, e.g. 082 for +82"
    CHECK (VALUE ~ '^[0-9]{3}$' AND VALUE <> '000');

-- A digit prefix (E.164 digits without +), used by carriers, trunks and rates.
CREATE DOMAIN digit_prefix AS text
    CONSTRAINT "prefix must be 1-15 digits of E.164 without +, e.g. 8270"
    CHECK (VALUE ~ '^[0-9]{1,15}$');

-- A SIP address of a centre, carrier or gateway.
CREATE DOMAIN sip_uri AS text
    CONSTRAINT "a SIP address looks like sip:host[:port] or sips:host"
    CHECK (VALUE ~ '^sips?:([^@\s]+@)?[A-Za-z0-9.\[\]:-]+(:[0-9]{1,5})?(;[^\s]*)?$');

-- '82', '+82', '082' -> '082'. Refuses anything else with the reason.
CREATE FUNCTION country_code_norm(cc text) RETURNS text
LANGUAGE plpgsql IMMUTABLE STRICT AS $$
DECLARE d text := regexp_replace(btrim(cc), '^\+', '');
BEGIN
    IF d !~ '^[0-9]{1,3}$' OR d::int = 0 THEN
        RAISE EXCEPTION 'country code "%" is not valid: write 1 to 3 digits, e.g. 082 or +82', cc
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    RETURN lpad(d, 3, '0');
END $$;

-- Local part grouped by fours from the right: 62006200 -> 6200-6200, 6200620 -> 620-0620.
CREATE FUNCTION number_format_local(local text) RETURNS text
LANGUAGE plpgsql IMMUTABLE STRICT AS $$
DECLARE rest text := local; out text := '';
BEGIN
    WHILE length(rest) > 4 LOOP
        out := '-' || right(rest, 4) || out;
        rest := left(rest, length(rest) - 4);
    END LOOP;
    RETURN rest || out;
END $$;

-- Written form from the parts. PIN: 02-6200-6200-082; VNS base: 6200-6200;
-- VNS branch: 6200-6200#082 (kind 'vns' with a country).
CREATE FUNCTION number_written(kind text, area text, local text, country text) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE kind
        WHEN 'pin' THEN area || '-' || number_format_local(local) || '-' || country
        WHEN 'vns' THEN number_format_local(local) || coalesce('#' || country, '')
    END
$$;

-- Canonical form of a written number (syntax only, no table lookup):
--   02-6200-6200-082 / 0262006200082  -> 0262006200082   (PIN)
--   6200-6200                          -> 62006200        (VNS base number)
--   6200-6200#082 / 62006200%23082     -> 62006200#082    (VNS branch)
-- Dashes, spaces and dots are decoration. Invalid forms raise an error saying why.
CREATE FUNCTION number_canonical(written text) RETURNS text
LANGUAGE plpgsql IMMUTABLE STRICT AS $$
DECLARE
    s text := replace(btrim(written), '%23', '#');
    groups text[];
    base text;
    cc text;
    digits text;
BEGIN
    IF s = '' THEN
        RAISE EXCEPTION 'the number is empty' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF s ~ '^\+' THEN
        RAISE EXCEPTION 'number "%" is an E.164 PSTN number, not one of our PIN/VNS numbers', written
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'our numbers are written like 02-6200-6200-082 (PIN) or 6200-6200#082 (VNS)';
    END IF;
    IF s ~ '[^0-9# .-]' THEN
        RAISE EXCEPTION 'number "%" contains "%": only digits, dashes and # are allowed',
            written, substring(s FROM '[^0-9# .-]')
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF s ~ '[ .-]{2,}' OR s ~ '^[ .-]' OR s ~ '[ .-]$' OR s ~ '[ .-]#' OR s ~ '#[ .-]' THEN
        RAISE EXCEPTION 'number "%" has an empty group between dashes', written
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF position('#' IN s) > 0 THEN
        IF s ~ '#.*#' THEN
            RAISE EXCEPTION 'number "%" has more than one #', written
                USING ERRCODE = 'invalid_parameter_value';
        END IF;
        base := regexp_replace(split_part(s, '#', 1), '[ .-]', '', 'g');
        cc := split_part(s, '#', 2);
        IF cc !~ '^[0-9]{3}$' THEN
            RAISE EXCEPTION 'number "%": the country code after # must have 3 digits, e.g. 6200-6200#082', written
                USING ERRCODE = 'invalid_parameter_value';
        END IF;
        IF length(base) NOT BETWEEN 4 AND 12 THEN
            RAISE EXCEPTION 'number "%": a company number has 4 to 12 digits before #, e.g. 6200-6200#082', written
                USING ERRCODE = 'invalid_parameter_value';
        END IF;
        RETURN base || '#' || cc;
    END IF;
    groups := regexp_split_to_array(s, '[ .-]');
    digits := array_to_string(groups, '');
    IF array_length(groups, 1) >= 3 AND length(groups[array_length(groups, 1)]) <> 3 THEN
        RAISE EXCEPTION 'number "%": the last group of a PIN is the 3-digit country code, e.g. 02-6200-6200-082', written
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF length(digits) NOT BETWEEN 4 AND 20 THEN
        RAISE EXCEPTION 'number "%" has % digits; our numbers have 4 to 20', written, length(digits)
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    RETURN digits;
END $$;

-- Normalise a PSTN number a person typed to E.164: '+82 2-6200-6200' -> '+82262006200'.
-- A national number ('02-6200-6200') needs the country (3-digit code) to be converted;
-- the country's trunk prefix is then dropped (see countries.trunk_prefix).
CREATE FUNCTION e164_norm(typed text, country text DEFAULT NULL) RETURNS text
LANGUAGE plpgsql STABLE AS $$
DECLARE d text; tp text; cc text;
BEGIN
    IF typed IS NULL THEN RETURN NULL; END IF;
    d := regexp_replace(btrim(typed), '[ ().-]', '', 'g');
    IF d ~ '^\+[0-9]+$' THEN
        NULL;
    ELSIF d ~ '^00[1-9][0-9]+$' THEN
        d := '+' || substr(d, 3);
    ELSIF d ~ '^[0-9]+$' AND country IS NOT NULL THEN
        cc := country_code_norm(country);
        SELECT c.trunk_prefix INTO tp FROM countries c WHERE c.code = cc;
        IF tp IS NOT NULL AND tp <> '' AND left(d, length(tp)) = tp THEN
            d := substr(d, length(tp) + 1);
        END IF;
        d := '+' || ltrim(cc, '0') || d;
    ELSE
        RAISE EXCEPTION 'PSTN number "%" is not valid: write it as E.164, e.g. +82262006200', typed
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF d !~ '^\+[1-9][0-9]{6,14}$' THEN
        RAISE EXCEPTION 'PSTN number "%" is not valid: E.164 has 7 to 15 digits after +, e.g. +82262006200', typed
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    RETURN d;
END $$;

-- The account username in a CDR party or SIP URI: 'sip:62006200%23082@vce.local' -> '62006200#082'.
CREATE FUNCTION sip_user_part(party text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT AS $$
    SELECT replace(regexp_replace(regexp_replace(party, '^.*<|>.*$', '', 'g'),
                                  '^(sips?:|tel:)?([^@;]*).*$', '\2'), '%23', '#')
$$;

-- Statement-level trigger body: tell every listening vced which routing table changed.
-- Payload is the table name; a bulk statement sends one notification.
CREATE FUNCTION vce_notify_routing() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('vce_routing', TG_TABLE_NAME);
    RETURN NULL;
END $$;

-- Keep updated_at current on admin tables (row-level; never used on bindings/cdrs).
CREATE FUNCTION touch_updated_at() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    NEW.updated_at := now();
    RETURN NEW;
END $$;
