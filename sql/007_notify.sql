-- 007_notify: every change to what the daemon routes on sends NOTIFY vce_routing, '<table>'.
-- Statement-level triggers: a bulk statement sends one notification, and PostgreSQL folds
-- identical notifications of one transaction into one.

CREATE TRIGGER notify_routing AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON countries
    FOR EACH STATEMENT EXECUTE FUNCTION vce_notify_routing();
CREATE TRIGGER notify_routing AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON centres
    FOR EACH STATEMENT EXECUTE FUNCTION vce_notify_routing();
CREATE TRIGGER notify_routing AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON carriers
    FOR EACH STATEMENT EXECUTE FUNCTION vce_notify_routing();
CREATE TRIGGER notify_routing AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON carrier_prefixes
    FOR EACH STATEMENT EXECUTE FUNCTION vce_notify_routing();
CREATE TRIGGER notify_routing AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON trunks
    FOR EACH STATEMENT EXECUTE FUNCTION vce_notify_routing();
CREATE TRIGGER notify_routing AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON trunk_prefixes
    FOR EACH STATEMENT EXECUTE FUNCTION vce_notify_routing();
CREATE TRIGGER notify_routing AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON rates
    FOR EACH STATEMENT EXECUTE FUNCTION vce_notify_routing();
CREATE TRIGGER notify_routing AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON numbers
    FOR EACH STATEMENT EXECUTE FUNCTION vce_notify_routing();
CREATE TRIGGER notify_routing AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON vns_branches
    FOR EACH STATEMENT EXECUTE FUNCTION vce_notify_routing();
CREATE TRIGGER notify_routing AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON aliases
    FOR EACH STATEMENT EXECUTE FUNCTION vce_notify_routing();
CREATE TRIGGER notify_routing AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON sip_accounts
    FOR EACH STATEMENT EXECUTE FUNCTION vce_notify_routing();
-- members: only what routing uses (status; rows appearing/disappearing).
CREATE TRIGGER notify_routing AFTER INSERT OR UPDATE OF status OR DELETE OR TRUNCATE ON members
    FOR EACH STATEMENT EXECUTE FUNCTION vce_notify_routing();
