//! Single-use, time-limited tokens carried by links in mail: email verification and password
//! reset. The token travels only in the mail; the database keeps its SHA-256.

use base64::Engine as _;
use sqlx::Row;

use crate::model::UserId;
use crate::server::platform::clock::Clock;
use crate::server::platform::db::Db;
use crate::server::platform::error::DomainError;

/// Email verification links stay valid for a day.
pub const VERIFY_EMAIL_TTL_MS: i64 = 24 * 60 * 60 * 1000;

/// The SHA-256 of a token, hex: what the database keeps instead of the token.
pub(crate) fn hash(token: &str) -> String {
    crate::server::platform::digest::sha256_hex(token.as_bytes())
}

/// 256 random bits, base64url: a link token nobody can guess.
pub(crate) fn fresh() -> String {
    let bytes: [u8; 32] = rand::random();
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// A fresh email-verification token for `user`.
pub async fn issue_verify_email(
    db: &Db,
    clock: &Clock,
    user: &UserId,
) -> Result<String, DomainError> {
    let token = fresh();
    let now = clock.now_ms();
    sqlx::query(
        "INSERT INTO email_tokens (token_hash, user_id, purpose, expires_at, created_at) \
         VALUES ($1, $2, 'verify_email', $3, $4)",
    )
    .bind(hash(&token))
    .bind(user.as_str())
    .bind(now + VERIFY_EMAIL_TTL_MS)
    .bind(now)
    .execute(db.pool())
    .await?;
    Ok(token)
}

/// Marks the address of the token's owner verified and uses the token up. An unknown,
/// expired or used token gets one answer.
pub async fn verify_email(db: &Db, clock: &Clock, token: &str) -> Result<(), DomainError> {
    let refused = || DomainError::invalid("token", "This link has expired or was already used.");
    if token.is_empty() || token.len() > 100 {
        return Err(refused());
    }
    let now = clock.now_ms();
    let mut tx = db.begin_write().await?;
    // Claiming the token and reading its owner in one statement: two clicks cannot both win.
    let row = sqlx::query(
        "UPDATE email_tokens SET used_at = $1 \
         WHERE token_hash = $2 AND purpose = 'verify_email' AND used_at IS NULL AND expires_at > $1 \
         RETURNING user_id",
    )
    .bind(now)
    .bind(hash(token))
    .fetch_optional(&mut *tx)
    .await?
    .ok_or_else(refused)?;
    let user = UserId::from_db(row.try_get("user_id")?);
    crate::server::identity::accounts::confirm_email(&mut tx, clock, &user).await?;
    tx.commit().await?;
    Ok(())
}

/// Password-reset links work for 45 minutes.
pub const RESET_PASSWORD_TTL_MS: i64 = 45 * 60 * 1000;

/// Whom to mail a reset link, and the link's token.
pub struct ResetLink {
    pub name: String,
    pub email: String,
    pub token: String,
}

crate::redacted_debug!(ResetLink { name, email });

/// At most this many reset links are mailed to one account per `RESET_MAIL_WINDOW_MS`.
pub const RESET_MAILS_PER_WINDOW: i64 = 3;
pub const RESET_MAIL_WINDOW_MS: i64 = 60 * 60 * 1000;

/// A reset link for the account with `email`, or `None` when there is none (the caller answers
/// the same either way, and when the account has had `RESET_MAILS_PER_WINDOW` links within
/// the window). Earlier unused reset links of that account stop working.
pub async fn issue_reset(
    db: &Db,
    clock: &Clock,
    email: &str,
) -> Result<Option<ResetLink>, DomainError> {
    let Ok(address) = crate::server::identity::accounts::EmailAddress::parse(email) else {
        return Ok(None);
    };
    let Some(row) = sqlx::query("SELECT id, display_name, email FROM users WHERE email_key = $1")
        .bind(address.key())
        .fetch_optional(db.pool())
        .await?
    else {
        return Ok(None);
    };
    let user: String = row.try_get("id")?;
    let token = fresh();
    let now = clock.now_ms();
    let mut tx = db.begin_write().await?;
    sqlx::query(
        "UPDATE email_tokens SET used_at = $1 \
         WHERE user_id = $2 AND purpose = 'reset_password' AND used_at IS NULL",
    )
    .bind(now)
    .bind(&user)
    .execute(&mut *tx)
    .await?;
    // Whatever address asks: a flood of requests must not become a flood of mail to one
    // person. The requester is told nothing either way. Counted after the write above, which
    // holds SQLite's write lock: a read first would make the transaction's snapshot go stale
    // under concurrent writes (SQLITE_BUSY), and a refusal rolls the write back.
    let recent: i64 = sqlx::query(
        "SELECT COUNT(*) AS n FROM email_tokens \
         WHERE user_id = $1 AND purpose = 'reset_password' AND created_at > $2",
    )
    .bind(&user)
    .bind(now - RESET_MAIL_WINDOW_MS)
    .fetch_one(&mut *tx)
    .await?
    .try_get("n")?;
    if recent >= RESET_MAILS_PER_WINDOW {
        tracing::warn!(target: "security", event = "reset_mail_throttled", user = %user);
        return Ok(None);
    }
    sqlx::query(
        "INSERT INTO email_tokens (token_hash, user_id, purpose, expires_at, created_at) \
         VALUES ($1, $2, 'reset_password', $3, $4)",
    )
    .bind(hash(&token))
    .bind(&user)
    .bind(now + RESET_PASSWORD_TTL_MS)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(Some(ResetLink {
        name: row.try_get("display_name")?,
        email: row.try_get("email")?,
        token,
    }))
}

/// Sets a new password with a reset link: the policy and history apply, the link is used up
/// with the password change in one transaction, and every session of the account ends. It
/// does not sign in: the next sign-in goes through every factor the account has.
pub async fn reset_password(
    db: &Db,
    clock: &Clock,
    hasher: &crate::server::identity::passwords::Hasher,
    token: &str,
    new: &crate::server::identity::passwords::Password,
    origin: &crate::server::audit::append::Origin,
) -> Result<UserId, DomainError> {
    use crate::server::identity::security_events::{record, EventKind, Subject};
    let refused = || {
        DomainError::invalid(
            "token",
            "This reset link has expired or was already used. Ask for a new one.",
        )
    };
    if token.is_empty() || token.len() > 100 {
        return Err(refused());
    }
    let user = sqlx::query(
        "SELECT user_id FROM email_tokens WHERE token_hash = $1 AND purpose = 'reset_password' \
         AND used_at IS NULL AND expires_at > $2",
    )
    .bind(hash(token))
    .bind(clock.now_ms())
    .fetch_optional(db.pool())
    .await?
    .ok_or_else(refused)?;
    let user = UserId::from_db(user.try_get("user_id")?);
    let new_hash =
        crate::server::identity::accounts::vet_new_password(db, hasher, &user, new, "new_password")
            .await?;
    let now = clock.now_ms();
    let mut tx = db.begin_write().await?;
    // Claimed again inside the transaction: of two uses racing, one wins.
    let claimed = sqlx::query(
        "UPDATE email_tokens SET used_at = $1 WHERE token_hash = $2 AND used_at IS NULL \
         AND expires_at > $1",
    )
    .bind(now)
    .bind(hash(token))
    .execute(&mut *tx)
    .await?;
    if claimed.rows_affected() == 0 {
        return Err(refused());
    }
    crate::server::identity::accounts::store_password(&mut tx, clock, &user, &new_hash).await?;
    sqlx::query("DELETE FROM sessions WHERE user_id = $1")
        .bind(user.as_str())
        .execute(&mut *tx)
        .await?;
    let subject = Subject {
        user: Some(&user),
        actor: Some(&user),
        origin: Some(origin),
        ..Subject::default()
    };
    record(&mut tx, clock, EventKind::PasswordReset, subject).await?;
    tx.commit().await?;
    Ok(user)
}
