-- The second second factor: one-time codes by email, and the workspace rule on who must use
-- a second factor at all.

-- People who chose email codes as a second factor.
CREATE TABLE email_factors (
    user_id    TEXT   NOT NULL PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL
);

-- The one mailed code a person may hold (a newer one replaces it); SHA-256 of the code, which
-- works once and only until expires_at.
CREATE TABLE email_codes (
    user_id    TEXT   NOT NULL PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    code_hash  TEXT   NOT NULL,
    expires_at BIGINT NOT NULL,
    created_at BIGINT NOT NULL
);

-- optional: each person decides; everyone: every member; admins: members whose roles hold an
-- administrative permission.
ALTER TABLE workspace_settings
    ADD COLUMN mfa_policy TEXT NOT NULL DEFAULT 'optional'
    CHECK (mfa_policy IN ('optional', 'everyone', 'admins'));
