-- 013_cdr_record: the daemon writes each CDR leg and rates it in the same transaction, with
-- cdr_rate's rules (one implementation of rating: the SQL). Written again after a PostgreSQL
-- outage (the daemon's durable queue replays), a leg already there is left as it is.

CREATE FUNCTION cdr_record(call_id text, leg int, caller text, dialled text, routed_to text,
                           class text, route text, started_at double precision,
                           ring_at double precision, answered_at double precision,
                           ended_at double precision, billable_seconds int, disposition text,
                           sip_status int)
RETURNS numeric
LANGUAGE plpgsql AS $$
#variable_conflict use_column
DECLARE
    new_id bigint;
    amount numeric;
BEGIN
    INSERT INTO cdrs (call_id, leg, caller, dialled, routed_to, class, route, started_at, ring_at,
                      answered_at, ended_at, billable_seconds, disposition, sip_status)
    VALUES (cdr_record.call_id, cdr_record.leg, cdr_record.caller, cdr_record.dialled,
            cdr_record.routed_to, cdr_record.class, cdr_record.route,
            to_timestamp(cdr_record.started_at), to_timestamp(cdr_record.ring_at),
            to_timestamp(cdr_record.answered_at), to_timestamp(cdr_record.ended_at),
            cdr_record.billable_seconds, cdr_record.disposition, cdr_record.sip_status)
    ON CONFLICT (call_id, leg) DO NOTHING
    RETURNING id INTO new_id;
    IF new_id IS NULL THEN
        RETURN NULL;  -- written before (a replay)
    END IF;
    -- A rating problem must not lose the CDR: it stays unrated (cost NULL) for cdr_rate_pending.
    BEGIN
        amount := cdr_rate(new_id);
    EXCEPTION WHEN OTHERS THEN
        RAISE WARNING 'CDR % (call %, leg %) not rated: %', new_id, cdr_record.call_id, cdr_record.leg, SQLERRM;
    END;
    RETURN amount;
END $$;
