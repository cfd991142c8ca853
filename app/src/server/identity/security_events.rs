//! Security events: sign-ins and failed ones, lockouts and unlocks, changes to second factors
//! and passwords, revoked sessions — kept for the instance and written into the trail of each
//! workspace they concern.

use sqlx::Row;

use crate::model::{UserId, WorkspaceId};
use crate::server::audit::append::{append, Actor, Event, Origin, Outcome};
use crate::server::audit::sign_in_alerts::{self, Failures};
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
    /// Both steps passed: a session started.
    SignedIn,
    PasswordChanged,
    /// A new password set through a mailed reset link.
    PasswordReset,
    /// A session ended by its owner or an admin, not by signing out.
    SessionRevoked,
}

impl EventKind {
    /// The trail's action for the event, and how what was tried ended.
    pub fn in_trail(self) -> (&'static str, Outcome) {
        match self {
            Self::SignedIn => ("sign_in.succeeded", Outcome::Done),
            Self::SignInFailed => ("sign_in.failed", Outcome::Failed),
            Self::SignInWhileLocked => ("sign_in.locked", Outcome::Refused),
            Self::NetworkDenied => ("sign_in.network", Outcome::Refused),
            Self::OutsideLoginHours => ("sign_in.hours", Outcome::Refused),
            Self::AccountLocked => ("account.locked", Outcome::Done),
            Self::AccountUnlocked => ("account.unlocked", Outcome::Done),
            Self::SecondFactorFailed => ("second_factor.failed", Outcome::Failed),
            Self::SecondFactorAdded => ("second_factor.added", Outcome::Done),
            Self::SecondFactorRemoved => ("second_factor.removed", Outcome::Done),
            Self::SecondFactorReplaced => ("second_factor.replaced", Outcome::Done),
            Self::RecoveryCodesRegenerated => ("second_factor.recovery_codes", Outcome::Done),
            Self::PasswordChanged => ("password.changed", Outcome::Done),
            Self::PasswordReset => ("password.reset", Outcome::Done),
            Self::SessionRevoked => ("session.revoked", Outcome::Done),
        }
    }

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
            Self::SignedIn => "signed_in",
            Self::PasswordChanged => "password_changed",
            Self::PasswordReset => "password_reset",
            Self::SessionRevoked => "session_revoked",
        }
    }
}

/// Who and where an event is about.
#[derive(Debug, Default)]
pub struct Subject<'a> {
    pub user: Option<&'a UserId>,
    pub workspace: Option<&'a WorkspaceId>,
    pub actor: Option<&'a UserId>,
    pub origin: Option<&'a Origin>,
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

/// Records one event inside the caller's connection or transaction, and logs it: in the
/// instance's security events (which also keep attempts on addresses without an account), and
/// in the trail of the workspace it happened in — or, for an event about an account, of every
/// workspace the account belongs to, so each one's admins see what happens to their members.
pub async fn record(
    conn: &mut sqlx::AnyConnection,
    clock: &Clock,
    kind: EventKind,
    subject: Subject<'_>,
) -> Result<(), DomainError> {
    let ip = subject.origin.and_then(|o| o.ip.as_deref());
    tracing::warn!(
        target: "security",
        event = kind.key(),
        user = subject.user.map(UserId::as_str),
        workspace = subject.workspace.map(WorkspaceId::as_str),
        actor = subject.actor.map(UserId::as_str),
        ip,
    );
    let at_ms = clock.now_ms();
    sqlx::query(
        "INSERT INTO security_events (id, kind, user_id, workspace_id, actor_id, ip, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(uuid::Uuid::now_v7().to_string())
    .bind(kind.key())
    .bind(subject.user.map(|u| u.as_str().to_owned()))
    .bind(subject.workspace.map(|w| w.as_str().to_owned()))
    .bind(subject.actor.map(|u| u.as_str().to_owned()))
    .bind(ip)
    .bind(at_ms)
    .execute(&mut *conn)
    .await?;
    let Some(user) = subject.user else {
        return Ok(());
    };
    if let (EventKind::SignedIn, Some(workspace)) = (kind, subject.workspace) {
        super::last_sign_in::note(conn, at_ms, user, workspace).await?;
    }
    let workspaces = match subject.workspace {
        Some(workspace) => vec![workspace.clone()],
        None => sqlx::query("SELECT workspace_id FROM memberships WHERE user_id = $1")
            .bind(user.as_str())
            .fetch_all(&mut *conn)
            .await?
            .iter()
            .map(|r| Ok(WorkspaceId::from_db(r.try_get("workspace_id")?)))
            .collect::<Result<_, sqlx::Error>>()?,
    };
    let failures = match kind {
        EventKind::SignInFailed | EventKind::SignInWhileLocked | EventKind::SecondFactorFailed => {
            Some(Failures::count(conn, user, ip, at_ms).await?)
        }
        _ => None,
    };
    let (action, outcome) = kind.in_trail();
    let actor = match (subject.actor, outcome) {
        (Some(actor), _) => Actor::Person(actor),
        (None, Outcome::Done) if kind == EventKind::AccountLocked => Actor::System,
        (None, Outcome::Done) => Actor::Person(user),
        (None, _) => Actor::Visitor,
    };
    for workspace in &workspaces {
        // A savepoint inside the caller's transaction, or a transaction of its own: the chain
        // advances with its entry or not at all.
        let mut tx = sqlx::Connection::begin(&mut *conn).await?;
        let event = Event {
            actor,
            action,
            target: user.as_str(),
            outcome,
            reason: None,
            before: None,
            after: None,
            origin: subject.origin,
            count: 1,
            at_ms,
        };
        append(&mut tx, workspace, event).await?;
        if let Some(failures) = &failures {
            failures.raise(&mut tx, workspace, at_ms).await?;
        }
        if let (EventKind::SignedIn, Some(origin)) = (kind, subject.origin) {
            sign_in_alerts::signed_in(&mut tx, clock, workspace, user, origin, at_ms).await?;
        }
        tx.commit().await?;
    }
    Ok(())
}
