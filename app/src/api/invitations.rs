//! `invitations/*` endpoints: what an invitee does with the mailed link. The link's token is
//! the credential, so none of these needs a session; accepting starts one.

use leptos::prelude::*;

use crate::error::AppError;
use crate::model::{InvitationPreview, SignInStep};

/// `POST /api/invitations/preview` — the workspace, role and address an open invitation is
/// for. Permission: the token.
#[server(endpoint = "invitations/preview", client = crate::csrf_page::ApiClient)]
pub async fn preview_invitation(token: String) -> Result<InvitationPreview, AppError> {
    use crate::server::{web::context::server_context, workspace::invitations};
    let ctx = server_context()?;
    Ok(invitations::preview(&ctx.db, &ctx.clock, &token).await?)
}

/// `POST /api/invitations/accept_new` — creates the invitee's account (the password must meet
/// the policy), joins the workspace and signs in there (sent on to set up a second factor if
/// the workspace requires one). Permission: the token.
#[server(endpoint = "invitations/accept_new", client = crate::csrf_page::ApiClient)]
pub async fn accept_invitation_new(
    token: String,
    name: String,
    password: String,
) -> Result<SignInStep, AppError> {
    use crate::server::{
        identity::passwords::Password, web::auth, web::context::server_context,
        workspace::invitations,
    };
    let ctx = server_context()?;
    let password = Password::new(password);
    let who =
        invitations::accept_new(&ctx.db, &ctx.clock, &ctx.hasher, &token, &name, &password).await?;
    let session = auth::request_session().await?;
    crate::api::accounts::start_session(&ctx, &session, &who).await
}

/// `POST /api/invitations/accept_existing` — the invitee confirms their existing account with
/// its password and joins the workspace; signing in there still takes their second factor if
/// they have one (the mailed token is no substitute for it). Permission: the token.
#[server(endpoint = "invitations/accept_existing", client = crate::csrf_page::ApiClient)]
pub async fn accept_invitation_existing(
    token: String,
    password: String,
) -> Result<SignInStep, AppError> {
    use crate::server::{
        identity::passwords::Password, web::auth, web::context::server_context,
        workspace::invitations,
    };
    let ctx = server_context()?;
    let password = Password::new(password);
    let who =
        invitations::accept_existing(&ctx.db, &ctx.clock, &ctx.hasher, &token, &password).await?;
    let session = auth::request_session().await?;
    crate::api::accounts::start_session(&ctx, &session, &who).await
}
