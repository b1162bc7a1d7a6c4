-- 019_message_reports: short messages the short-message server (res_sms, seed 004) stored:
-- whom to tell what became of them (a framed sender's number and its message Id: delivered
-- later, or expired) and when to try again while the callee stays registered but unreachable.
-- Rows chan_sip stores for SIP senders leave these NULL (delivered at the next REGISTER).

ALTER TABLE queued_messages
    ADD COLUMN report_to text,
    ADD COLUMN report_id text,
    ADD COLUMN next_attempt_at timestamptz;
COMMENT ON COLUMN queued_messages.report_to IS 'The framed sender''s number that hears REPORT delivered/expired; NULL: nobody (SIP sender).';
COMMENT ON COLUMN queued_messages.report_id IS 'The sender''s message Id, echoed in its REPORT frames.';
COMMENT ON COLUMN queued_messages.next_attempt_at IS 'When res_sms tries again (backoff); NULL: only at the callee''s next registration.';
CREATE INDEX queued_messages_due ON queued_messages (next_attempt_at) WHERE next_attempt_at IS NOT NULL;
