-- 017_callerid: the caller's number toward a peer (seed 003 S450: the caller's VoIP number
-- converted to the PSTN numbering). Each peer expects it in E.164 (+82262006200) or national
-- form (0262006200); a peer in our trust domain (RFC 3325) gets P-Asserted-Identity from us and
-- is believed when it sends one. Peers not in it never see one, and a caller's Privacy is kept.

ALTER TABLE peers
    ADD COLUMN callerid text NOT NULL DEFAULT 'e164'
        CONSTRAINT "peer caller id form is e164 or national" CHECK (callerid IN ('e164', 'national')),
    ADD COLUMN asserted_identity boolean NOT NULL DEFAULT false;
COMMENT ON COLUMN peers.callerid IS 'The form of the caller''s number this peer expects: e164 or national.';
COMMENT ON COLUMN peers.asserted_identity IS 'In our trust domain: P-Asserted-Identity is sent to it and believed from it.';

-- peer_set_caller_id: how the peer of that name gets the caller's number.
--   SELECT peer_set_caller_id('kr-trunk', 'national', asserted_identity => true);
CREATE FUNCTION peer_set_caller_id(name text, callerid text, asserted_identity boolean DEFAULT false)
RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    IF peer_set_caller_id.callerid IS NULL OR peer_set_caller_id.callerid NOT IN ('e164', 'national') THEN
        RAISE EXCEPTION 'caller id form "%" is not valid: e164 (+82262006200) or national (0262006200)',
            peer_set_caller_id.callerid USING ERRCODE = 'invalid_parameter_value';
    END IF;
    UPDATE peers p SET callerid = peer_set_caller_id.callerid,
                       asserted_identity = coalesce(peer_set_caller_id.asserted_identity, false)
     WHERE lower(p.name) = lower(btrim(peer_set_caller_id.name));
    IF NOT FOUND THEN
        RAISE EXCEPTION 'no peer named %', name USING ERRCODE = 'no_data_found';
    END IF;
END $$;
