-- Second factors. The authenticator key must be readable to check codes, so it is stored as
-- issued (base32); recovery codes are stored only as SHA-256.

-- A key shown to the person but not yet confirmed with a code.
CREATE TABLE totp_enrolments (
    user_id    TEXT   NOT NULL PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    secret     TEXT   NOT NULL,
    created_at BIGINT NOT NULL
);

-- The authenticator app in force.
CREATE TABLE totp_factors (
    user_id        TEXT   NOT NULL PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    secret         TEXT   NOT NULL,
    -- The time step of the last accepted code: that code and every older one are refused.
    last_used_step BIGINT,
    created_at     BIGINT NOT NULL
);

CREATE TABLE recovery_codes (
    code_hash  TEXT   NOT NULL PRIMARY KEY,
    user_id    TEXT   NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    used_at    BIGINT,
    created_at BIGINT NOT NULL
);
CREATE INDEX recovery_codes_by_user ON recovery_codes (user_id);
