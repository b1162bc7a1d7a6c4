-- 016_failover: several centres per country and several trunk groups per country, tried in
-- order. priority (already there) orders them, lower first; weight spreads calls among those
-- of equal priority (a weighted round robin in the daemon), 0 = only when the others fail.
-- A centre that stops answering OPTIONS is skipped by the daemon until it answers again
-- (chan_sip's centre_keepalive); nothing about health is stored here.

ALTER TABLE centres ADD COLUMN weight int NOT NULL DEFAULT 1
    CONSTRAINT "centre weight is 0 to 1000 (share of calls among equal priority)"
    CHECK (weight BETWEEN 0 AND 1000);
ALTER TABLE trunks ADD COLUMN weight int NOT NULL DEFAULT 1
    CONSTRAINT "trunk weight is 0 to 1000 (share of calls among equal priority)"
    CHECK (weight BETWEEN 0 AND 1000);
COMMENT ON COLUMN centres.priority IS 'Lower first among a country''s centres; the daemon tries the next on CONGESTION, CHANUNAVAIL, 408 and 5xx.';
COMMENT ON COLUMN centres.weight IS 'Share of calls among centres of equal priority; 0 = only when the others fail.';
COMMENT ON COLUMN trunks.weight IS 'Share of calls among trunk groups of equal priority; 0 = only when the others fail.';
