-- One trail: besides changes, the audit log now records sign-ins, lockouts, second-factor and
-- password changes, session revocations and refusals, each with who acted (`actor_kind`: a
-- person, a visitor not yet signed in, or the system), whether it was done, refused or failed,
-- why, from which address and user agent, and how many times (refusals are counted per actor,
-- action and minute). Entries written before this migration have no outcome; the chain hashes
-- them as they were written, and every newer entry with these fields.
ALTER TABLE audit_log ADD COLUMN actor_kind TEXT;
ALTER TABLE audit_log ADD COLUMN outcome TEXT;
ALTER TABLE audit_log ADD COLUMN reason TEXT;
ALTER TABLE audit_log ADD COLUMN ip TEXT;
ALTER TABLE audit_log ADD COLUMN user_agent TEXT;
ALTER TABLE audit_log ADD COLUMN count BIGINT;
CREATE INDEX audit_log_by_outcome ON audit_log (workspace_id, outcome, id);
