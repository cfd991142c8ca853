//! `accounts/*` endpoints: sign-up, sign-in, sign-out, and who is signed in.

use leptos::prelude::*;

use crate::error::AppError;
use crate::model::CurrentUser;

/// `POST /api/accounts/sign_up` — creates the person and their workspace, makes them its
/// Owner and signs them in. Permission: none (anyone may sign up).
#[server(endpoint = "accounts/sign_up", client = crate::csrf::ApiClient)]
pub async fn sign_up(
    name: String,
    email: String,
    password: String,
    workspace_name: String,
) -> Result<(), AppError> {
    use crate::server::{accounts, auth, context::server_context, passwords::Password};
    let ctx = server_context()?;
    let session = auth::request_session().await?;
    let input = accounts::SignUp {
        email,
        name,
        password: Password::new(password),
        workspace_name,
    };
    let account = accounts::sign_up(&ctx.db, &ctx.clock, &ctx.hasher, input).await?;
    let who = accounts::SignedIn {
        user_id: account.user_id,
        workspace_id: account.workspace.id,
    };
    auth::begin(&session, &ctx.clock, &who).await?;
    // The account exists either way; an undelivered link is logged, and the banner stays.
    if let Err(e) = send_verification(&ctx, &who.user_id).await {
        tracing::error!(error = %e, "verification mail not sent");
    }
    Ok(())
}

#[cfg(feature = "ssr")]
async fn send_verification(
    ctx: &crate::server::context::ServerContext,
    user: &crate::model::UserId,
) -> Result<(), String> {
    use crate::server::{email_tokens, mail::Mail};
    let me = crate::server::accounts::profile(&ctx.db, user)
        .await
        .map_err(|e| e.to_string())?;
    let token = email_tokens::issue_verify_email(&ctx.db, &ctx.clock, user)
        .await
        .map_err(|e| e.to_string())?;
    let link = format!("{}/verify-email?token={token}", ctx.public_url);
    let to = format!("{} <{}>", me.0, me.1)
        .parse()
        .or_else(|_| me.1.parse())
        .map_err(|e: lettre::address::AddressError| e.to_string())?;
    let text = format!(
        "Hello {},\n\nConfirm this address for your Gatehouse account:\n\n{link}\n\n\
         The link works once, for 24 hours. If you did not sign up, ignore this message.\n",
        me.0
    );
    ctx.mailer
        .send(Mail {
            to,
            subject: "Confirm your email address".into(),
            text,
        })
        .await
        .map_err(|e| e.to_string())
}

/// `POST /api/accounts/verify_email` — confirms the address the token was sent to. The token
/// is the credential; it works once, for a day. Permission: none.
#[server(endpoint = "accounts/verify_email", client = crate::csrf::ApiClient)]
pub async fn verify_email(token: String) -> Result<(), AppError> {
    use crate::server::{context::server_context, email_tokens};
    let ctx = server_context()?;
    Ok(email_tokens::verify_email(&ctx.db, &ctx.clock, &token).await?)
}

/// `POST /api/accounts/sign_in` — checks the email and password and starts a session under a
/// new id. Permission: none. Every failure gets the same message.
#[server(endpoint = "accounts/sign_in", client = crate::csrf::ApiClient)]
pub async fn sign_in(email: String, password: String) -> Result<(), AppError> {
    use crate::server::{accounts, auth, context::server_context, passwords::Password};
    let ctx = server_context()?;
    let session = auth::request_session().await?;
    let who =
        accounts::authenticate(&ctx.db, &ctx.hasher, &email, &Password::new(password)).await?;
    auth::begin(&session, &ctx.clock, &who).await
}

/// `POST /api/accounts/switch_workspace` — makes another of the caller's workspaces the active
/// one. Permission: an active membership of that workspace; any other id answers 404.
#[server(endpoint = "accounts/switch_workspace", client = crate::csrf::ApiClient)]
pub async fn switch_workspace(workspace_id: String) -> Result<(), AppError> {
    use crate::server::{accounts, auth, context::server_context};
    let ctx = server_context()?;
    let user = auth::require_user(&ctx).await?;
    let workspace = accounts::active_membership(&ctx.db, &user.id, &workspace_id).await?;
    let session = auth::request_session().await?;
    auth::switch_workspace(&session, &workspace).await
}

/// `POST /api/accounts/change_password` — needs the current password; the new one must meet
/// the policy and not repeat a recent one. Afterwards this session continues under a new id
/// and every other session of the caller ends. Permission: a signed-in caller.
#[server(endpoint = "accounts/change_password", client = crate::csrf::ApiClient)]
pub async fn change_password(
    current_password: String,
    new_password: String,
) -> Result<(), AppError> {
    use crate::server::{accounts, auth, context::server_context, passwords::Password, sessions};
    let ctx = server_context()?;
    let user = auth::require_user(&ctx).await?;
    let (current, new) = (Password::new(current_password), Password::new(new_password));
    accounts::change_password(&ctx.db, &ctx.clock, &ctx.hasher, &user.id, &current, &new).await?;
    let session = auth::request_session().await?;
    auth::rotate(&session).await?;
    sessions::revoke_others(&ctx.db, &user.id, session.id()).await?;
    Ok(())
}

/// `POST /api/accounts/sign_out` — ends the caller's session, server side too.
#[server(endpoint = "accounts/sign_out", client = crate::csrf::ApiClient)]
pub async fn sign_out() -> Result<(), AppError> {
    use crate::server::auth;
    let session = auth::request_session().await?;
    auth::end(&session).await
}

/// `POST /api/accounts/me` — the signed-in person and their workspace, or nothing.
#[server(endpoint = "accounts/me", client = crate::csrf::ApiClient)]
pub async fn me() -> Result<Option<CurrentUser>, AppError> {
    use crate::server::{auth, context::server_context};
    let ctx = server_context()?;
    let session = auth::request_session().await?;
    auth::current(&session, &ctx).await
}
