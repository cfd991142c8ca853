-- A workspace's security settings. No row means the defaults, which these column defaults
-- repeat; every bound is checked here as well as in the code.
CREATE TABLE workspace_settings (
    workspace_id               TEXT   NOT NULL PRIMARY KEY REFERENCES workspaces (id) ON DELETE CASCADE,
    password_min_length        BIGINT NOT NULL DEFAULT 12 CHECK (password_min_length BETWEEN 8 AND 128),
    password_require_lowercase BIGINT NOT NULL DEFAULT 0 CHECK (password_require_lowercase IN (0, 1)),
    password_require_uppercase BIGINT NOT NULL DEFAULT 0 CHECK (password_require_uppercase IN (0, 1)),
    password_require_digit     BIGINT NOT NULL DEFAULT 0 CHECK (password_require_digit IN (0, 1)),
    password_require_symbol    BIGINT NOT NULL DEFAULT 0 CHECK (password_require_symbol IN (0, 1)),
    password_min_strength      BIGINT NOT NULL DEFAULT 3 CHECK (password_min_strength BETWEEN 0 AND 4),
    password_history           BIGINT NOT NULL DEFAULT 5 CHECK (password_history BETWEEN 0 AND 24),
    -- NULL: passwords do not expire.
    password_expiry_days       BIGINT CHECK (password_expiry_days BETWEEN 1 AND 3650),
    session_idle_minutes       BIGINT NOT NULL DEFAULT 30 CHECK (session_idle_minutes BETWEEN 5 AND 1440),
    session_absolute_hours     BIGINT NOT NULL DEFAULT 12 CHECK (session_absolute_hours BETWEEN 1 AND 720),
    -- NULL: no limit on a person's concurrent sessions.
    max_sessions_per_user      BIGINT CHECK (max_sessions_per_user BETWEEN 1 AND 100),
    updated_at                 BIGINT NOT NULL,
    updated_by                 TEXT   REFERENCES users (id) ON DELETE SET NULL
);
