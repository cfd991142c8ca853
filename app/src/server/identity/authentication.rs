//! Signing in, the password step: the one answer for every failure, the lockout count, a
//! rehash of outdated hashes, and the workspace the session starts in.

use sqlx::Row;

use crate::model::{SecondFactorMethods, UserId, WorkspaceId};
use crate::server::identity::accounts::EmailAddress;
use crate::server::identity::lockout;
use crate::server::identity::passwords::{Hasher, Password, Verified};
use crate::server::platform::clock::Clock;
use crate::server::platform::db::Db;
use crate::server::platform::error::DomainError;

/// Who signed in, and the workspace their session starts in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedIn {
    pub user_id: UserId,
    pub workspace_id: WorkspaceId,
}

/// A right password: who it is, and the second factor still to come, if they have one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PasswordChecked {
    pub who: SignedIn,
    pub second_factor: Option<SecondFactorMethods>,
}

/// A right password from an address the person's workspaces do not let in.
pub const NETWORK_DENIED: &str =
    "Your workspace does not allow sign-in from this network. Ask a workspace admin.";

/// The one message for every failed sign-in, so it never tells whether an address has an
/// account.
pub const WRONG_CREDENTIALS: &str = "The email address or password is incorrect.";

/// Checks an email and password — the first step of signing in. An unknown address, a wrong password and a locked account get
/// the same message after the same argon2 work, so none of them can be told apart. A hash with
/// outdated parameters is replaced.
///
/// Consecutive failures count towards the lockout rule of the person's workspaces; reaching it
/// locks the account for its duration. Failures, lockouts and attempts on a locked account are
/// recorded as security events.
pub async fn authenticate(
    db: &Db,
    clock: &Clock,
    hasher: &Hasher,
    email: &str,
    password: &Password,
    origin: &crate::server::audit::append::Origin,
) -> Result<PasswordChecked, DomainError> {
    use crate::server::identity::security_events::{record, EventKind, Subject};
    let wrong = || DomainError::invalid("password", WRONG_CREDENTIALS);
    let row = match EmailAddress::parse(email) {
        Ok(email) => {
            sqlx::query("SELECT id, password_hash, locked_until FROM users WHERE email_key = $1")
                .bind(email.key())
                .fetch_optional(db.pool())
                .await?
        }
        Err(_) => None,
    };
    let Some(row) = row else {
        hasher.verify_nothing(password).await?;
        let mut conn = db.pool().acquire().await?;
        let subject = Subject {
            origin: Some(origin),
            ..Subject::default()
        };
        record(&mut conn, clock, EventKind::SignInFailed, subject).await?;
        return Err(wrong());
    };
    let user_id = UserId::from_db(row.try_get("id")?);
    let stored: String = row.try_get("password_hash")?;
    let locked_until: Option<i64> = row.try_get("locked_until")?;
    let verified = hasher.verify(password, &stored).await?;
    let now = clock.now_ms();
    let subject = || Subject {
        user: Some(&user_id),
        origin: Some(origin),
        ..Subject::default()
    };

    if locked_until.is_some_and(|until| until > now) {
        let mut conn = db.pool().acquire().await?;
        record(&mut conn, clock, EventKind::SignInWhileLocked, subject()).await?;
        return Err(wrong());
    }
    match verified {
        Verified::No => {
            lockout::count_failure(db, clock, &user_id, origin, EventKind::SignInFailed).await?;
            return Err(wrong());
        }
        Verified::Yes { rehash } => {
            let fresh = if rehash {
                Some(hasher.hash(password).await?)
            } else {
                None
            };
            sqlx::query(
                "UPDATE users SET locked_until = NULL, \
                 password_hash = COALESCE($1, password_hash) WHERE id = $2",
            )
            .bind(fresh)
            .bind(user_id.as_str())
            .execute(db.pool())
            .await?;
        }
    }
    // With a second factor to come, failures keep counting across both steps: a right
    // password must not buy a fresh set of guesses at the code.
    let second_factor = crate::server::identity::mfa::methods(db, &user_id).await?;
    if second_factor.is_none() {
        lockout::reset_failures(db, &user_id).await?;
    }
    let workspace = starting_workspace(db, clock, &user_id, origin).await?;
    Ok(PasswordChecked {
        who: SignedIn {
            user_id,
            workspace_id: workspace,
        },
        second_factor,
    })
}

/// The workspace a session starts in: the one joined first among those still active whose
/// network rules let this address in and whose login hours are open to this person now. A
/// refusal names why (recorded as a security event).
async fn starting_workspace(
    db: &Db,
    clock: &Clock,
    user_id: &UserId,
    origin: &crate::server::audit::append::Origin,
) -> Result<WorkspaceId, DomainError> {
    use crate::server::identity::security_events::{record, EventKind, Subject};
    let memberships = sqlx::query(
        "SELECT workspace_id FROM memberships WHERE user_id = $1 AND deactivated_at IS NULL \
         ORDER BY created_at, workspace_id",
    )
    .bind(user_id.as_str())
    .fetch_all(db.pool())
    .await?;
    if memberships.is_empty() {
        return Err(DomainError::invalid(
            "email",
            "This account has no active workspace. Ask a workspace admin to reactivate you.",
        ));
    }
    let addr = origin.ip.as_deref().and_then(|ip| ip.parse().ok());
    let mut closed = None;
    for row in &memberships {
        let candidate = WorkspaceId::from_db(row.try_get("workspace_id")?);
        if !crate::server::workspace::ip_rules::allows(db, &candidate, user_id, addr).await? {
            continue;
        }
        match crate::server::workspace::login_hours::closed_message(db, clock, &candidate, user_id)
            .await?
        {
            None => return Ok(candidate),
            Some(message) => closed = closed.or(Some(message)),
        }
    }
    let (kind, message) = match closed {
        Some(message) => (EventKind::OutsideLoginHours, message),
        None => (EventKind::NetworkDenied, NETWORK_DENIED.to_owned()),
    };
    let subject = Subject {
        user: Some(user_id),
        origin: Some(origin),
        ..Subject::default()
    };
    let mut conn = db.pool().acquire().await?;
    record(&mut conn, clock, kind, subject).await?;
    Err(DomainError::invalid("email", message))
}
