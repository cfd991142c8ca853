//! `workspaces/*` endpoints.

use leptos::prelude::*;

use crate::error::AppError;
use crate::model::{NameCheck, WorkspaceSummary};

/// `POST /api/workspaces/list` — the workspaces on this server, by name.
///
/// Permission: none yet. The accounts issue (#3) replaces this with the caller's own
/// memberships, resolved from the session.
#[server(endpoint = "workspaces/list")]
pub async fn list_workspaces() -> Result<Vec<WorkspaceSummary>, AppError> {
    let ctx = crate::server::context::server_context()?;
    Ok(crate::server::workspaces::list(&ctx.db).await?)
}

/// `POST /api/workspaces/check_name` — would this name be accepted, and which address would it
/// get? Read-only; the sign-up form (#3) uses it to answer before submit.
#[server(endpoint = "workspaces/check_name")]
pub async fn check_workspace_name(workspace_name: String) -> Result<NameCheck, AppError> {
    let ctx = crate::server::context::server_context()?;
    Ok(crate::server::workspaces::check_name(&ctx.db, &workspace_name).await?)
}
