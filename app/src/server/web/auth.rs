//! Who is calling: the signed-in person and workspace, kept in the server-side session.
//!
//! The session holds only ids and the sign-in time; everything else is read from the database
//! on each request, so a deactivation takes effect at once.

use serde::{Deserialize, Serialize};
use tower_sessions::Session;

use sqlx::Row;

use std::sync::Arc;

use crate::error::AppError;
use crate::model::{CurrentUser, UserId, WorkspaceId, WorkspaceSummary};
use crate::server::audit::append::Origin;
use crate::server::identity::accounts::PASSWORD_EXPIRY_NOTICE_MS;
use crate::server::identity::authentication::SignedIn;
use crate::server::identity::workspaces;
use crate::server::platform::clock::Clock;
use crate::server::platform::db::Db;
use crate::server::platform::error::DomainError;
use crate::server::web::caller_cache::{self, Caller};
use crate::server::web::context::ServerContext;
use crate::server::web::session_store::SESSION_KEY;

#[derive(Clone, Debug, Serialize, Deserialize)]
struct SessionAuth {
    user_id: String,
    workspace_id: String,
    signed_in_at_ms: i64,
    /// The last request this session made, for the workspace's idle timeout (kept here, on the
    /// application's clock, so the rule is tested without waiting).
    #[serde(default)]
    last_seen_ms: i64,
    /// Where the sign-in came from, for the person's list of sessions.
    #[serde(default)]
    ip: Option<String>,
    #[serde(default)]
    user_agent: Option<String>,
    /// When this session last gave the account's password (at sign-in, or to confirm a
    /// change), for `reauth`'s "a password entered in the last few minutes counts".
    #[serde(default)]
    password_at_ms: Option<i64>,
}

/// The session key for someone who gave the right password and still owes a second factor.
/// It grants nothing: `current` looks only at `SESSION_KEY`.
const PENDING_KEY: &str = "second_factor_pending";

/// How long the second step may take after the password.
pub const SECOND_STEP_MS: i64 = 10 * 60 * 1000;

#[derive(Clone, Debug, Serialize, Deserialize)]
struct PendingSecondFactor {
    user_id: String,
    workspace_id: String,
    password_at_ms: i64,
}

/// The client's address as the server binary determined it: the peer address, or behind a
/// reverse proxy the configured trusted header. Put into each request's extensions.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ClientIp(pub std::net::IpAddr);

/// The client address of the request being served, if known.
pub fn client_addr() -> Option<std::net::IpAddr> {
    leptos::prelude::use_context::<http::request::Parts>()?
        .extensions
        .get::<ClientIp>()
        .map(|ip| ip.0)
}

/// `client_addr` as text, for records.
pub fn client_ip() -> Option<String> {
    client_addr().map(|ip| ip.to_string())
}

/// The client address and user agent of the request being served.
pub fn origin() -> Origin {
    let Some(parts) = leptos::prelude::use_context::<http::request::Parts>() else {
        return Origin::default();
    };
    let user_agent = parts
        .headers
        .get(http::header::USER_AGENT)
        .and_then(|v| v.to_str().ok());
    Origin::new(client_ip(), user_agent)
}

fn session_error(e: tower_sessions::session::Error) -> AppError {
    AppError::internal(format!("session: {e}"))
}

/// Starts a signed-in session under a new id and a new CSRF token, so an id or token planted
/// or seen before sign-in is worthless.
///
/// With a concurrent-session limit in the workspace, the person's oldest sessions end so that
/// this one is within it.
pub async fn begin(session: &Session, ctx: &ServerContext, who: &SignedIn) -> Result<(), AppError> {
    caller_cache::forget().await;
    session.cycle_id().await.map_err(session_error)?;
    // Every way in starts from a password; after a second step, it was given back then.
    let pending = session
        .remove::<PendingSecondFactor>(PENDING_KEY)
        .await
        .map_err(session_error)?;
    crate::server::web::csrf_tokens::renew(session).await?;
    let settings = crate::server::workspace::settings::load(&ctx.db, &who.workspace_id).await?;
    if let Some(limit) = settings.max_sessions_per_user {
        // This session is not stored yet: keep one fewer of the others.
        crate::server::identity::sessions::keep_newest(&ctx.db, &who.user_id, u32::from(limit) - 1)
            .await?;
    }
    apply_idle_expiry(session, settings.session_idle_minutes);
    let origin = origin();
    let now = ctx.clock.now_ms();
    session
        .insert(
            SESSION_KEY,
            SessionAuth {
                user_id: who.user_id.as_str().to_owned(),
                workspace_id: who.workspace_id.as_str().to_owned(),
                signed_in_at_ms: now,
                last_seen_ms: now,
                ip: origin.ip.clone(),
                user_agent: origin.user_agent.clone(),
                password_at_ms: Some(pending.map_or(now, |p| p.password_at_ms)),
            },
        )
        .await
        .map_err(session_error)?;
    use crate::server::identity::security_events::{record_alone, EventKind, Subject};
    let subject = Subject {
        user: Some(&who.user_id),
        workspace: Some(&who.workspace_id),
        actor: Some(&who.user_id),
        origin: Some(&origin),
    };
    Ok(record_alone(&ctx.db, &ctx.clock, EventKind::SignedIn, subject).await?)
}

/// Records a right password for someone with a second factor: the session (under a new id and
/// CSRF token, and no longer signed in as anyone) waits for the code.
pub async fn begin_second_step(
    session: &Session,
    ctx: &ServerContext,
    who: &SignedIn,
) -> Result<(), AppError> {
    caller_cache::forget().await;
    session.cycle_id().await.map_err(session_error)?;
    crate::server::web::csrf_tokens::renew(session).await?;
    session
        .remove_value(SESSION_KEY)
        .await
        .map_err(session_error)?;
    session
        .insert(
            PENDING_KEY,
            PendingSecondFactor {
                user_id: who.user_id.as_str().to_owned(),
                workspace_id: who.workspace_id.as_str().to_owned(),
                password_at_ms: ctx.clock.now_ms(),
            },
        )
        .await
        .map_err(session_error)
}

/// Who this session gave the right password for, if they still owe a second factor and the
/// password was given less than `SECOND_STEP_MS` ago.
pub async fn second_step(
    session: &Session,
    ctx: &ServerContext,
) -> Result<Option<SignedIn>, AppError> {
    let Some(pending) = session
        .get::<PendingSecondFactor>(PENDING_KEY)
        .await
        .map_err(session_error)?
    else {
        return Ok(None);
    };
    if ctx.clock.now_ms() - pending.password_at_ms >= SECOND_STEP_MS {
        abandon_second_step(session).await?;
        return Ok(None);
    }
    Ok(Some(SignedIn {
        user_id: UserId::from_db(pending.user_id),
        workspace_id: WorkspaceId::from_db(pending.workspace_id),
    }))
}

/// Forgets a half-finished sign-in: the next attempt starts with the password.
pub async fn abandon_second_step(session: &Session) -> Result<(), AppError> {
    session
        .remove_value(PENDING_KEY)
        .await
        .map(drop)
        .map_err(session_error)
}

/// The cookie and the stored record lapse after the workspace's idle timeout (the layer's
/// default covers anonymous sessions).
fn apply_idle_expiry(session: &Session, minutes: u16) {
    session.set_expiry(Some(tower_sessions::Expiry::OnInactivity(
        tower_sessions::cookie::time::Duration::minutes(i64::from(minutes)),
    )));
}

/// Moves the session to another workspace. The caller checked the membership. The id is
/// rotated as at any change of privilege; the sign-in time (and so the absolute lifetime) stays.
pub async fn switch_workspace(session: &Session, workspace: &WorkspaceId) -> Result<(), AppError> {
    let mut auth = session
        .get::<SessionAuth>(SESSION_KEY)
        .await
        .map_err(session_error)?
        .ok_or(AppError::Unauthenticated)?;
    auth.workspace_id = workspace.as_str().to_owned();
    caller_cache::forget().await;
    session.cycle_id().await.map_err(session_error)?;
    session
        .insert(SESSION_KEY, auth)
        .await
        .map_err(session_error)
}

/// Records that this signed-in session has just given the account's password.
pub async fn note_password(session: &Session, ctx: &ServerContext) -> Result<(), AppError> {
    let mut auth = session
        .get::<SessionAuth>(SESSION_KEY)
        .await
        .map_err(session_error)?
        .ok_or(AppError::Unauthenticated)?;
    auth.password_at_ms = Some(ctx.clock.now_ms());
    session
        .insert(SESSION_KEY, auth)
        .await
        .map_err(session_error)
}

/// Whether this session gave the account's password less than `within_ms` ago.
pub async fn password_given_within(
    session: &Session,
    ctx: &ServerContext,
    within_ms: i64,
) -> Result<bool, AppError> {
    let auth = session
        .get::<SessionAuth>(SESSION_KEY)
        .await
        .map_err(session_error)?;
    let now = ctx.clock.now_ms();
    Ok(auth
        .and_then(|a| a.password_at_ms)
        .is_some_and(|at| now - at < within_ms))
}

/// Gives the session a new id, as at any change of privilege or credentials.
pub async fn rotate(session: &Session) -> Result<(), AppError> {
    session.cycle_id().await.map_err(session_error)
}

/// Ends the session here and in the store.
pub async fn end(session: &Session) -> Result<(), AppError> {
    caller_cache::forget().await;
    discard(session).await
}

/// Ends the session without touching the request's caller (which is being resolved).
async fn discard(session: &Session) -> Result<(), AppError> {
    session.flush().await.map_err(session_error)
}

/// The session's last-seen time is written back at most this often: a request within a minute
/// of the last write changes nothing in the store, so a page view costs no disk write. The
/// idle timeout is therefore exact to the minute (a session may end up to a minute early,
/// never late).
pub const RENEW_AFTER_MS: i64 = 60 * 1000;

/// The signed-in person, or `None`: no session, a session past the workspace's idle timeout
/// or absolute lifetime, a membership that is no longer active, a request from an address
/// the workspace's network rules keep out, or one outside the person's login hours (the
/// session is then ended). Resolved once per request (see `caller_cache`).
pub async fn current(
    session: &Session,
    ctx: &ServerContext,
) -> Result<Option<CurrentUser>, AppError> {
    Ok(caller(session, ctx).await?.map(|c| c.user.clone()))
}

/// The signed-in caller with their access and workspace settings, resolved once per request.
pub async fn caller(
    session: &Session,
    ctx: &ServerContext,
) -> Result<Option<Arc<Caller>>, AppError> {
    caller_cache::get_or_resolve(resolve(session, ctx)).await
}

async fn resolve(session: &Session, ctx: &ServerContext) -> Result<Option<Caller>, AppError> {
    let Some(mut auth) = session
        .get::<SessionAuth>(SESSION_KEY)
        .await
        .map_err(session_error)?
    else {
        return Ok(None);
    };
    let workspace = WorkspaceId::from_db(auth.workspace_id.clone());
    let settings = crate::server::workspace::settings::load(&ctx.db, &workspace).await?;
    let now = ctx.clock.now_ms();
    let absolute_ms = i64::from(settings.session_absolute_hours) * 60 * 60 * 1000;
    let idle_ms = i64::from(settings.session_idle_minutes) * 60 * 1000;
    // Sessions from before `last_seen_ms` existed count from their sign-in.
    let last_seen = auth.last_seen_ms.max(auth.signed_in_at_ms);
    if now - auth.signed_in_at_ms >= absolute_ms || now - last_seen >= idle_ms {
        discard(session).await?;
        return Ok(None);
    }
    let user_id = UserId::from_db(auth.user_id.clone());
    let held = crate::server::access::grants::held(&ctx.db, &ctx.clock, &user_id, &workspace)
        .await?
        .serving(origin(), ctx.refusals.clone());
    let Some(user) = current_user_holding(&ctx.db, &ctx.clock, &user_id, &workspace, &held).await?
    else {
        discard(session).await?;
        return Ok(None);
    };
    if !admitted_now(ctx, &workspace, &user.id).await? {
        discard(session).await?;
        return Ok(None);
    }
    if now - last_seen >= RENEW_AFTER_MS {
        auth.last_seen_ms = now;
        session
            .insert(SESSION_KEY, auth)
            .await
            .map_err(session_error)?;
        apply_idle_expiry(session, settings.session_idle_minutes);
    }
    Ok(Some(Caller {
        user,
        held,
        settings,
    }))
}

/// Whether the workspace's network rules and the person's login hours let this request in. A
/// session that moves to a network the workspace keeps out is recorded.
async fn admitted_now(
    ctx: &ServerContext,
    workspace: &WorkspaceId,
    user: &UserId,
) -> Result<bool, AppError> {
    let addr = client_addr();
    if !crate::server::workspace::ip_rules::allows(&ctx.db, workspace, user, addr).await? {
        use crate::server::identity::security_events::{record_alone, EventKind, Subject};
        let origin = origin();
        let subject = Subject {
            user: Some(user),
            workspace: Some(workspace),
            origin: Some(&origin),
            ..Subject::default()
        };
        record_alone(&ctx.db, &ctx.clock, EventKind::NetworkDenied, subject).await?;
        return Ok(false);
    }
    Ok(
        crate::server::workspace::login_hours::closed_message(&ctx.db, &ctx.clock, workspace, user)
            .await?
            .is_none(),
    )
}

/// The signed-in caller of this request, or `Unauthenticated`. A caller whose password has
/// expired gets `PasswordExpired` until they change it; one who must set up a second factor
/// gets `MfaRequired` until they do.
pub async fn require_user(ctx: &ServerContext) -> Result<CurrentUser, AppError> {
    Ok(require_caller(ctx).await?.user.clone())
}

/// The signed-in caller with what they hold, for an endpoint whose key depends on what it finds
/// (a download checks the read key of the file's record); the same gates as [`require_user`].
pub async fn require_caller(ctx: &ServerContext) -> Result<Arc<Caller>, AppError> {
    let caller = signed_in(ctx).await?;
    if caller.user.password_expired {
        return Err(AppError::PasswordExpired);
    }
    if caller.user.mfa_enrolment_required {
        return Err(AppError::MfaRequired);
    }
    Ok(caller)
}

/// The signed-in caller even if a workspace requires a second factor they have not set up yet:
/// only for setting one up.
pub async fn require_user_enrolling(ctx: &ServerContext) -> Result<CurrentUser, AppError> {
    let user = require_user_with_expired_password(ctx).await?;
    if user.password_expired {
        return Err(AppError::PasswordExpired);
    }
    Ok(user)
}

/// The signed-in caller even if their password has expired (or a second factor is due): only
/// for changing the password.
pub async fn require_user_with_expired_password(
    ctx: &ServerContext,
) -> Result<CurrentUser, AppError> {
    Ok(signed_in(ctx).await?.user.clone())
}

async fn signed_in(ctx: &ServerContext) -> Result<Arc<Caller>, AppError> {
    let session = request_session().await?;
    caller(&session, ctx)
        .await?
        .ok_or(AppError::Unauthenticated)
}

/// The signed-in caller, and proof that they hold the key `K` in their active workspace. An
/// endpoint names its key here, once: `auth::require::<keys::CustomersRead>(&ctx)`.
pub async fn require<K: crate::permissions::Key>(
    ctx: &ServerContext,
) -> Result<(CurrentUser, crate::server::access::grants::Grant<K>), AppError> {
    let caller = require_caller(ctx).await?;
    let grant = caller.held.grant::<K>()?;
    Ok((caller.user.clone(), grant))
}

/// The session of the request being served. Fails closed when the session layer is missing.
pub async fn request_session() -> Result<Session, AppError> {
    leptos_axum::extract::<Session>()
        .await
        .map_err(|e| AppError::internal(format!("no session layer: {e}")))
}

/// `workspace_id` if `user` is an active member of it; otherwise `NotFound`, the same answer
/// as for a workspace that does not exist.
pub async fn active_membership(
    db: &Db,
    user: &UserId,
    workspace_id: &str,
) -> Result<WorkspaceId, DomainError> {
    let row = sqlx::query(
        "SELECT workspace_id FROM memberships \
         WHERE user_id = $1 AND workspace_id = $2 AND deactivated_at IS NULL",
    )
    .bind(user.as_str())
    .bind(workspace_id)
    .fetch_optional(db.pool())
    .await?
    .ok_or(DomainError::NotFound)?;
    Ok(WorkspaceId::from_db(row.try_get("workspace_id")?))
}

/// The person and workspace a session names, if the membership is still active.
pub async fn current_user(
    db: &Db,
    clock: &Clock,
    user_id: &UserId,
    workspace_id: &WorkspaceId,
) -> Result<Option<CurrentUser>, DomainError> {
    let held = crate::server::access::grants::held(db, clock, user_id, workspace_id).await?;
    current_user_holding(db, clock, user_id, workspace_id, &held).await
}

/// [`current_user`] with what they hold already read.
async fn current_user_holding(
    db: &Db,
    clock: &Clock,
    user_id: &UserId,
    workspace_id: &WorkspaceId,
    held: &crate::server::access::grants::Held,
) -> Result<Option<CurrentUser>, DomainError> {
    let row = sqlx::query(
        "SELECT u.id, u.display_name, u.email, u.email_verified_at, u.password_changed_at, \
                w.id AS workspace_id, w.name AS workspace_name, w.slug, w.created_at, \
                w.logo_file_id \
         FROM users u \
         JOIN memberships m ON m.user_id = u.id AND m.deactivated_at IS NULL \
         JOIN workspaces w ON w.id = m.workspace_id \
         WHERE u.id = $1 AND w.id = $2",
    )
    .bind(user_id.as_str())
    .bind(workspace_id.as_str())
    .fetch_optional(db.pool())
    .await?;
    let Some(row) = row else { return Ok(None) };
    let workspaces = workspaces::list_for_member(db, user_id).await?;
    let permissions = held.access().permissions.iter().collect();
    let changed_at: i64 = row.try_get("password_changed_at")?;
    let rules = crate::server::workspace::settings::strictest_for_user(db, clock, user_id).await?;
    let password_expires_at_ms = rules
        .password
        .expiry_days
        .map(|days| changed_at + i64::from(days) * 24 * 60 * 60 * 1000);
    let now = clock.now_ms();
    let mfa_enrolment_required = rules.mfa_required
        && crate::server::identity::mfa::methods(db, user_id)
            .await?
            .is_none();
    Ok(Some(CurrentUser {
        mfa_enrolment_required,
        workspaces,
        permissions,
        bulk_allowed: held.access().restrictions.allow_bulk,
        export_allowed: held.access().restrictions.allow_export,
        logo: row
            .try_get::<Option<String>, _>("logo_file_id")?
            .map(crate::model::FileId::from_db),
        password_expired: password_expires_at_ms.is_some_and(|at| now >= at),
        password_expires_soon: password_expires_at_ms
            .is_some_and(|at| now < at && at - now <= PASSWORD_EXPIRY_NOTICE_MS),
        password_expires_at_ms,
        id: UserId::from_db(row.try_get("id")?),
        name: row.try_get("display_name")?,
        email: row.try_get("email")?,
        email_verified: row
            .try_get::<Option<i64>, _>("email_verified_at")?
            .is_some(),
        workspace: WorkspaceSummary {
            id: WorkspaceId::from_db(row.try_get("workspace_id")?),
            name: row.try_get("workspace_name")?,
            slug: row.try_get("slug")?,
            created_at_ms: row.try_get("created_at")?,
        },
    }))
}

/// The grant for `K` if the caller holds it, without recording a denial when they do not: for
/// what a response offers (the choices of a form), never for what an endpoint authorises.
pub async fn optional<K: crate::permissions::Key>(
    ctx: &ServerContext,
) -> Result<Option<crate::server::access::grants::Grant<K>>, AppError> {
    let caller = require_caller(ctx).await?;
    if !caller.held.access().permissions.contains(K::PERMISSION) {
        return Ok(None);
    }
    Ok(Some(caller.held.grant::<K>()?))
}
