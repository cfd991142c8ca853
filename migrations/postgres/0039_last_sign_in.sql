-- When each member last came into the workspace — signed in to it or switched to it — for the
-- team page and the inactive members' report. Kept on the membership rather than read from the
-- trail or the security events: both are purged with time, and "never since" must stay true.
ALTER TABLE memberships ADD COLUMN last_sign_in_ms BIGINT;

UPDATE memberships SET last_sign_in_ms = (
    SELECT MAX(e.created_at) FROM security_events e
    WHERE e.kind = 'signed_in' AND e.user_id = memberships.user_id
      AND e.workspace_id = memberships.workspace_id
);
