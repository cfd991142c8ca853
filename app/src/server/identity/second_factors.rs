//! Which second factors a person has: plain reads, apart from `mfa` (which changes and checks
//! them) because the workspace rules in `settings` need them too.

use sqlx::Row;

use crate::model::{SecondFactorMethods, UserId};
use crate::server::platform::db::Db;
use crate::server::platform::error::DomainError;

/// Whether `user` has an authenticator app in force.
pub async fn has_totp(db: &Db, user: &UserId) -> Result<bool, DomainError> {
    Ok(sqlx::query("SELECT 1 FROM totp_factors WHERE user_id = $1")
        .bind(user.as_str())
        .fetch_optional(db.pool())
        .await?
        .is_some())
}

/// Unused recovery codes left.
pub async fn recovery_codes_left(db: &Db, user: &UserId) -> Result<i64, DomainError> {
    Ok(sqlx::query(
        "SELECT COUNT(*) AS n FROM recovery_codes WHERE user_id = $1 AND used_at IS NULL",
    )
    .bind(user.as_str())
    .fetch_one(db.pool())
    .await?
    .try_get("n")?)
}

/// How `user` can give a second factor at sign-in, or `None` when they have none.
pub async fn methods(db: &Db, user: &UserId) -> Result<Option<SecondFactorMethods>, DomainError> {
    let email = sqlx::query("SELECT 1 FROM email_factors WHERE user_id = $1")
        .bind(user.as_str())
        .fetch_optional(db.pool())
        .await?
        .is_some();
    let app = has_totp(db, user).await?;
    if !app && !email {
        return Ok(None);
    }
    Ok(Some(SecondFactorMethods {
        app,
        email,
        recovery_code: recovery_codes_left(db, user).await? > 0,
    }))
}
