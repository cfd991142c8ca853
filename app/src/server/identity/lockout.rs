//! The lockout rule: consecutive failed sign-in steps (wrong passwords, wrong codes) are
//! counted in the database, and at the workspace's threshold the account locks for its
//! duration. Apart from `accounts` and `mfa`, which both count failures here.

use sqlx::Row;

use crate::model::UserId;
use crate::server::platform::clock::Clock;
use crate::server::platform::db::Db;
use crate::server::platform::error::DomainError;

/// The answer once wrong codes have locked the account.
pub const LOCKED: &str =
    "Too many wrong attempts: sign-in is locked for now. Try again later or ask a workspace admin.";

/// Counts a failed sign-in step (a wrong password, or a wrong second-factor code) towards the
/// lockout rule, records it as `kind`, and locks the account when the count reaches the
/// threshold.
pub(crate) async fn count_failure(
    db: &Db,
    clock: &Clock,
    user_id: &UserId,
    origin: &crate::server::audit::append::Origin,
    kind: crate::server::identity::security_events::EventKind,
) -> Result<(), DomainError> {
    use crate::server::identity::security_events::{record, EventKind, Subject};
    let subject = || Subject {
        user: Some(user_id),
        origin: Some(origin),
        ..Subject::default()
    };
    let (threshold, minutes) =
        crate::server::workspace::settings::lockout_for_user(db, user_id).await?;
    let mut tx = db.begin_write().await?;
    // Counted in the database, so concurrent attempts all count.
    let failures: i64 = sqlx::query(
        "UPDATE users SET failed_sign_ins = failed_sign_ins + 1 WHERE id = $1 \
         RETURNING failed_sign_ins",
    )
    .bind(user_id.as_str())
    .fetch_one(&mut *tx)
    .await?
    .try_get("failed_sign_ins")?;
    record(&mut tx, clock, kind, subject()).await?;
    if failures >= i64::from(threshold) {
        sqlx::query("UPDATE users SET locked_until = $1, failed_sign_ins = 0 WHERE id = $2")
            .bind(clock.now_ms() + i64::from(minutes) * 60 * 1000)
            .bind(user_id.as_str())
            .execute(&mut *tx)
            .await?;
        record(&mut tx, clock, EventKind::AccountLocked, subject()).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Whether `user` is locked out now.
pub(crate) async fn is_locked(db: &Db, clock: &Clock, user: &UserId) -> Result<bool, DomainError> {
    let until: Option<i64> = sqlx::query("SELECT locked_until FROM users WHERE id = $1")
        .bind(user.as_str())
        .fetch_optional(db.pool())
        .await?
        .ok_or(DomainError::NotFound)?
        .try_get("locked_until")?;
    Ok(until.is_some_and(|until| until > clock.now_ms()))
}

/// Clears the failure count after a complete, successful sign-in step.
pub(crate) async fn reset_failures(db: &Db, user: &UserId) -> Result<(), DomainError> {
    sqlx::query("UPDATE users SET failed_sign_ins = 0 WHERE id = $1")
        .bind(user.as_str())
        .execute(db.pool())
        .await?;
    Ok(())
}
