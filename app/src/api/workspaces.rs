//! `workspaces/*` endpoints.

use leptos::prelude::*;

use crate::error::AppError;
use crate::model::{NameCheck, WorkspaceSummary};

/// `POST /api/workspaces/list` — the workspaces the caller is an active member of, by name.
///
/// Permission: a signed-in caller (401 otherwise); only their own memberships, from the session.
#[server(endpoint = "workspaces/list", client = crate::csrf_page::ApiClient)]
pub async fn list_workspaces() -> Result<Vec<WorkspaceSummary>, AppError> {
    use crate::server::{identity::workspaces, web::auth, web::context::server_context};
    let ctx = server_context()?;
    let user = auth::require_user(&ctx).await?;
    Ok(workspaces::list_for_member(&ctx.db, &user.id).await?)
}

/// `POST /api/workspaces/check_name` — would this name be accepted, and which address would it
/// get? Read-only; the sign-up form (#3) uses it to answer before submit.
#[server(endpoint = "workspaces/check_name", client = crate::csrf_page::ApiClient)]
pub async fn check_workspace_name(workspace_name: String) -> Result<NameCheck, AppError> {
    let ctx = crate::server::web::context::server_context()?;
    Ok(crate::server::identity::workspaces::check_name(&ctx.db, &workspace_name).await?)
}
