//! `sessions/*` endpoints: the signed-in person's own sessions.

use leptos::prelude::*;

use crate::error::AppError;
use crate::model::SessionInfo;

/// `POST /api/sessions/list` — the caller's live sessions, theirs only.
/// Permission: a signed-in caller.
#[server(endpoint = "sessions/list", client = crate::csrf_page::ApiClient)]
pub async fn list_sessions() -> Result<Vec<SessionInfo>, AppError> {
    use crate::server::{identity::sessions, web::auth, web::context::server_context};
    let ctx = server_context()?;
    let user = auth::require_user(&ctx).await?;
    let session = auth::request_session().await?;
    Ok(sessions::list_for_user(&ctx.db, &ctx.clock, &user.id, session.id()).await?)
}

/// `POST /api/sessions/revoke` — ends one of the caller's sessions; someone else's answers
/// 404, as a session that does not exist. Permission: a signed-in caller.
#[server(endpoint = "sessions/revoke", client = crate::csrf_page::ApiClient)]
pub async fn revoke_session(handle: String) -> Result<(), AppError> {
    use crate::server::{identity::sessions, web::auth, web::context::server_context};
    let ctx = server_context()?;
    let user = auth::require_user(&ctx).await?;
    if handle.len() != 64 || !handle.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(AppError::validation(
            "handle",
            "That is not a session reference.",
        ));
    }
    let origin = auth::origin();
    Ok(sessions::revoke(&ctx.db, &ctx.clock, &user.id, &handle, &origin).await?)
}

/// `POST /api/sessions/revoke_others` — ends every session of the caller but this one.
/// Permission: a signed-in caller.
#[server(endpoint = "sessions/revoke_others", client = crate::csrf_page::ApiClient)]
pub async fn revoke_other_sessions() -> Result<(), AppError> {
    use crate::server::{identity::sessions, web::auth, web::context::server_context};
    let ctx = server_context()?;
    let user = auth::require_user(&ctx).await?;
    let session = auth::request_session().await?;
    let origin = auth::origin();
    sessions::revoke_others(&ctx.db, &ctx.clock, &user.id, session.id(), &origin).await?;
    Ok(())
}
