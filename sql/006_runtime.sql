-- 006_runtime: what the daemon writes at run time: bindings (registrations), queued short
-- messages (store-and-forward) and call detail records. Kept lean: no NOTIFY triggers here.

-- Registrations. One row per (account, terminal): a re-registration from the same terminal
-- replaces its row (INSERT ... ON CONFLICT (aor, terminal_id) DO UPDATE).
-- No foreign key to sip_accounts on purpose: the registrar writes thousands of rows a second
-- after authenticating against its in-memory copy of sip_accounts; an FK would add an index
-- probe and a KEY SHARE row lock on the account per REGISTER (contending with admin updates of
-- that account) and would make deleting an account fail or cascade while phones are registered.
-- Stale rows of deleted accounts expire by expires_at; see binding_purge_expired().
CREATE TABLE bindings (
    aor         text NOT NULL,          -- account username
    terminal_id text NOT NULL,          -- +sip.instance / MAC / contact when the phone sends none
    contact     text NOT NULL,
    received    text,                   -- ip:port the REGISTER really came from
    transport   text NOT NULL,
    expires_at  timestamptz NOT NULL,
    user_agent  text,
    call_id     text,
    cseq        integer,
    node        text,                   -- which vced wrote it
    updated_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (aor, terminal_id)
);
CREATE INDEX bindings_expires ON bindings (expires_at);
COMMENT ON TABLE bindings IS 'SIP registrations, written by the registrar; no triggers, no FK (see 006_runtime.sql).';

-- Deletes expired bindings; returns how many.
CREATE FUNCTION binding_purge_expired(grace interval DEFAULT '0 seconds') RETURNS bigint
LANGUAGE sql AS $$
    WITH gone AS (DELETE FROM bindings b WHERE b.expires_at < now() - grace RETURNING 1)
    SELECT count(*) FROM gone
$$;

-- Short messages waiting for their recipient to register (seed 004).
CREATE TABLE queued_messages (
    id           bigserial PRIMARY KEY,
    sender       text NOT NULL,
    recipient    text NOT NULL,          -- account username
    dialled      text,
    content_type text NOT NULL,
    body         bytea NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    expires_at   timestamptz NOT NULL,
    attempts     int NOT NULL DEFAULT 0,
    last_error   text
);
CREATE INDEX queued_messages_recipient ON queued_messages (recipient, id);
CREATE INDEX queued_messages_expires ON queued_messages (expires_at);

-- Call detail records: one row per leg (failover legs are 1, 2, ...).
-- billable_seconds runs from answer to end: ring time is never billed.
CREATE TABLE cdrs (
    id               bigserial PRIMARY KEY,
    call_id          text NOT NULL,
    leg              int NOT NULL,
    caller           text,
    dialled          text,                -- as the caller dialled it
    routed_to        text,                -- as routed: canonical number, or E.164 for PSTN/carriers
    class            text,                -- classification by the router (pin, vns, pstn, carrier, alias, ...)
    route            text,                -- route taken: centre, carrier, trunk, registered contact
    started_at       timestamptz NOT NULL,
    ring_at          timestamptz,
    answered_at      timestamptz,
    ended_at         timestamptz,
    billable_seconds int
                     CONSTRAINT "billable seconds must not be negative" CHECK (billable_seconds >= 0),
    disposition      text
                     CONSTRAINT "disposition must be a DIALSTATUS like ANSWER, BUSY or NOANSWER"
                     CHECK (disposition IN ('ANSWER', 'BUSY', 'NOANSWER', 'CHANUNAVAIL', 'CONGESTION', 'FAILED', 'CANCEL')),
    sip_status       int,
    cost             numeric(12,4)
);
-- A leg is written once; a retried batch can use ON CONFLICT (call_id, leg) DO NOTHING.
CREATE UNIQUE INDEX cdrs_call_leg ON cdrs (call_id, leg);
CREATE INDEX cdrs_started ON cdrs (started_at);
CREATE INDEX cdrs_caller ON cdrs (caller, started_at);
CREATE INDEX cdrs_cost_missing ON cdrs (id) WHERE cost IS NULL;
COMMENT ON TABLE cdrs IS 'Call detail records, one row per leg; cost filled by cdr_rate()/cdr_rate_pending().';
