//! Security events: failed sign-ins, lockouts and unlocks, changes to second factors,
//! persisted for the audit viewer.

use crate::model::{UserId, WorkspaceId};
use crate::server::platform::clock::Clock;
use crate::server::platform::error::DomainError;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EventKind {
    /// A wrong password, or an address without an account.
    SignInFailed,
    /// The right or wrong password for an account that is locked.
    SignInWhileLocked,
    AccountLocked,
    AccountUnlocked,
    /// A wrong second-factor code at sign-in or when confirming a change.
    SecondFactorFailed,
    SecondFactorAdded,
    SecondFactorRemoved,
    /// An authenticator app in force was swapped for another.
    SecondFactorReplaced,
    RecoveryCodesRegenerated,
    /// A sign-in or a session from an address the workspace's network rules keep out.
    NetworkDenied,
    /// A right password outside the login hours of every role the person holds.
    OutsideLoginHours,
}

impl EventKind {
    pub fn key(self) -> &'static str {
        match self {
            Self::SignInFailed => "sign_in_failed",
            Self::SignInWhileLocked => "sign_in_while_locked",
            Self::AccountLocked => "account_locked",
            Self::AccountUnlocked => "account_unlocked",
            Self::SecondFactorFailed => "second_factor_failed",
            Self::SecondFactorAdded => "second_factor_added",
            Self::SecondFactorRemoved => "second_factor_removed",
            Self::SecondFactorReplaced => "second_factor_replaced",
            Self::RecoveryCodesRegenerated => "recovery_codes_regenerated",
            Self::NetworkDenied => "network_denied",
            Self::OutsideLoginHours => "outside_login_hours",
        }
    }
}

/// Who and where an event is about.
#[derive(Debug, Default)]
pub struct Subject<'a> {
    pub user: Option<&'a UserId>,
    pub workspace: Option<&'a WorkspaceId>,
    pub actor: Option<&'a UserId>,
    pub ip: Option<&'a str>,
}

/// Records one event on a connection of its own, and logs it.
pub async fn record_alone(
    db: &crate::server::platform::db::Db,
    clock: &Clock,
    kind: EventKind,
    subject: Subject<'_>,
) -> Result<(), DomainError> {
    let mut conn = db.pool().acquire().await?;
    record(&mut conn, clock, kind, subject).await
}

/// Records one event inside the caller's connection or transaction, and logs it.
pub async fn record(
    conn: &mut sqlx::AnyConnection,
    clock: &Clock,
    kind: EventKind,
    subject: Subject<'_>,
) -> Result<(), DomainError> {
    tracing::warn!(
        target: "security",
        event = kind.key(),
        user = subject.user.map(UserId::as_str),
        workspace = subject.workspace.map(WorkspaceId::as_str),
        actor = subject.actor.map(UserId::as_str),
        ip = subject.ip,
    );
    sqlx::query(
        "INSERT INTO security_events (id, kind, user_id, workspace_id, actor_id, ip, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(uuid::Uuid::now_v7().to_string())
    .bind(kind.key())
    .bind(subject.user.map(|u| u.as_str().to_owned()))
    .bind(subject.workspace.map(|w| w.as_str().to_owned()))
    .bind(subject.actor.map(|u| u.as_str().to_owned()))
    .bind(subject.ip.map(str::to_owned))
    .bind(clock.now_ms())
    .execute(&mut *conn)
    .await?;
    Ok(())
}
