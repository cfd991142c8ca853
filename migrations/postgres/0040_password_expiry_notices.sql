-- Password expiry notices sent by mail, 14, 3 and 1 days before a password expires: one row
-- per account, expiry and notice, so each is sent once — by one server process of several, and
-- again for the next expiry after a change of password.
CREATE TABLE password_expiry_notices (
    user_id       TEXT   NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    expires_at_ms BIGINT NOT NULL,
    days_ahead    BIGINT NOT NULL,
    sent_at_ms    BIGINT NOT NULL,
    PRIMARY KEY (user_id, expires_at_ms, days_ahead)
);
