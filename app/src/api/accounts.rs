//! `accounts/*` endpoints: sign-up, sign-in (both steps), sign-out, and who is signed in.

use leptos::prelude::*;

use crate::error::AppError;
use crate::model::{CurrentUser, SecondFactorMethods, SignInStep};

/// `POST /api/accounts/sign_up` — creates the person and their workspace, makes them its
/// Owner and signs them in. Permission: none (anyone may sign up).
#[server(endpoint = "accounts/sign_up", client = crate::csrf_page::ApiClient)]
pub async fn sign_up(
    name: String,
    email: String,
    password: String,
    workspace_name: String,
) -> Result<(), AppError> {
    use crate::server::{
        identity::accounts, identity::passwords::Password, web::auth, web::context::server_context,
    };
    let ctx = server_context()?;
    let session = auth::request_session().await?;
    let input = accounts::SignUp {
        email,
        name,
        password: Password::new(password),
        workspace_name,
    };
    let account = accounts::sign_up(&ctx.db, &ctx.clock, &ctx.hasher, input).await?;
    let who = crate::server::identity::authentication::SignedIn {
        user_id: account.user_id,
        workspace_id: account.workspace.id,
    };
    auth::begin(&session, &ctx, &who).await?;
    // The account exists either way; an undelivered link is logged, and the banner stays.
    if let Err(e) = send_verification(&ctx, &who.user_id).await {
        tracing::error!(error = %e, "verification mail not sent");
    }
    Ok(())
}

#[cfg(feature = "ssr")]
async fn send_verification(
    ctx: &crate::server::web::context::ServerContext,
    user: &crate::model::UserId,
) -> Result<(), String> {
    use crate::server::{identity::email_tokens, platform::mail::Mail};
    let me = crate::server::identity::accounts::profile(&ctx.db, user)
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
#[server(endpoint = "accounts/verify_email", client = crate::csrf_page::ApiClient)]
pub async fn verify_email(token: String) -> Result<(), AppError> {
    use crate::server::{identity::email_tokens, web::context::server_context};
    let ctx = server_context()?;
    Ok(email_tokens::verify_email(&ctx.db, &ctx.clock, &token).await?)
}

/// `POST /api/accounts/sign_in` — checks the email and password. Without a second factor the
/// session starts under a new id; with one, the session (under a new id too) waits for it.
/// Permission: none. Every failure gets the same message.
#[server(endpoint = "accounts/sign_in", client = crate::csrf_page::ApiClient)]
pub async fn sign_in(email: String, password: String) -> Result<SignInStep, AppError> {
    use crate::server::{
        identity::authentication, identity::passwords::Password, web::auth,
        web::context::server_context,
    };
    let ctx = server_context()?;
    let session = auth::request_session().await?;
    let checked = authentication::authenticate(
        &ctx.db,
        &ctx.clock,
        &ctx.hasher,
        &email,
        &Password::new(password),
        &auth::origin(),
    )
    .await?;
    start_session(&ctx, &session, &checked.who).await
}

/// After a right password (or a password and an invitation): the second step if the person has
/// a second factor, else a session — flagged for set-up when a workspace requires a factor.
#[cfg(feature = "ssr")]
pub(crate) async fn start_session(
    ctx: &crate::server::web::context::ServerContext,
    session: &tower_sessions::Session,
    who: &crate::server::identity::authentication::SignedIn,
) -> Result<SignInStep, AppError> {
    use crate::server::{identity::mfa, web::auth, workspace::settings};
    if let Some(methods) = mfa::methods(&ctx.db, &who.user_id).await? {
        auth::begin_second_step(session, ctx, who).await?;
        return Ok(SignInStep::SecondFactor(methods));
    }
    auth::begin(session, ctx, who).await?;
    Ok(
        if settings::mfa_required_for_user(&ctx.db, &ctx.clock, &who.user_id).await? {
            SignInStep::SetUpSecondFactor
        } else {
            SignInStep::Done
        },
    )
}

/// `POST /api/accounts/pending_second_factor` — how the person half-way through signing in
/// can give their second factor, or nothing when no sign-in is waiting for one.
/// Permission: a right password in this session, within the last 10 minutes.
#[server(endpoint = "accounts/pending_second_factor", client = crate::csrf_page::ApiClient)]
pub async fn pending_second_factor() -> Result<Option<SecondFactorMethods>, AppError> {
    use crate::server::{identity::mfa, web::auth, web::context::server_context};
    let ctx = server_context()?;
    let session = auth::request_session().await?;
    let Some(who) = auth::second_step(&session, &ctx).await? else {
        return Ok(None);
    };
    Ok(mfa::methods(&ctx.db, &who.user_id).await?)
}

/// `POST /api/accounts/send_sign_in_code` — mails a one-time code to the person half-way
/// through signing in, if codes by email is one of their second factors.
/// Permission: a right password in this session, within the last 10 minutes.
#[server(endpoint = "accounts/send_sign_in_code", client = crate::csrf_page::ApiClient)]
pub async fn send_sign_in_code() -> Result<(), AppError> {
    use crate::server::{identity::mfa, web::auth, web::context::server_context};
    let ctx = server_context()?;
    let session = auth::request_session().await?;
    let who = auth::second_step(&session, &ctx)
        .await?
        .ok_or_else(second_step_over)?;
    if !mfa::methods(&ctx.db, &who.user_id)
        .await?
        .is_some_and(|m| m.email)
    {
        return Err(AppError::Forbidden);
    }
    crate::api::mfa::mail_code(&ctx, &who.user_id).await
}

/// `POST /api/accounts/verify_second_factor` — finishes signing in with an app code, the
/// mailed code or a recovery code; the session continues under a new id. Wrong codes count
/// towards the lockout rule; once locked, the sign-in must start again.
/// Permission: a right password in this session, within the last 10 minutes.
#[server(endpoint = "accounts/verify_second_factor", client = crate::csrf_page::ApiClient)]
pub async fn verify_second_factor(code: String) -> Result<(), AppError> {
    use crate::server::{
        identity::lockout, identity::mfa, web::auth, web::context::server_context,
    };
    let ctx = server_context()?;
    let session = auth::request_session().await?;
    let who = auth::second_step(&session, &ctx)
        .await?
        .ok_or_else(second_step_over)?;
    let origin = auth::origin();
    if let Err(e) = mfa::check(&ctx.db, &ctx.clock, &who.user_id, &code, &origin).await {
        if lockout::is_locked(&ctx.db, &ctx.clock, &who.user_id).await? {
            auth::abandon_second_step(&session).await?;
        }
        return Err(e.into());
    }
    lockout::reset_failures(&ctx.db, &who.user_id).await?;
    auth::begin(&session, &ctx, &who).await
}

#[cfg(feature = "ssr")]
fn second_step_over() -> AppError {
    AppError::Conflict {
        message: "Your sign-in has timed out. Sign in again.".into(),
    }
}

/// `POST /api/accounts/switch_workspace` — makes another of the caller's workspaces the active
/// one. Permission: an active membership of that workspace, whose network rules let the
/// caller's address in and whose login hours are open to them; any other id answers 404.
#[server(endpoint = "accounts/switch_workspace", client = crate::csrf_page::ApiClient)]
pub async fn switch_workspace(workspace_id: String) -> Result<(), AppError> {
    use crate::server::{
        identity::last_sign_in, web::auth, web::context::server_context, workspace::ip_rules,
        workspace::login_hours,
    };
    let ctx = server_context()?;
    let user = auth::require_user(&ctx).await?;
    let workspace = auth::active_membership(&ctx.db, &user.id, &workspace_id).await?;
    if !ip_rules::allows(&ctx.db, &workspace, &user.id, auth::client_addr()).await? {
        return Err(AppError::Conflict {
            message: "That workspace does not allow access from your network.".into(),
        });
    }
    if let Some(message) =
        login_hours::closed_message(&ctx.db, &ctx.clock, &workspace, &user.id).await?
    {
        return Err(AppError::Conflict { message });
    }
    let session = auth::request_session().await?;
    auth::switch_workspace(&session, &workspace).await?;
    let mut conn = ctx
        .db
        .pool()
        .acquire()
        .await
        .map_err(crate::server::platform::error::DomainError::from)?;
    let now = ctx.clock.now_ms();
    Ok(last_sign_in::note(&mut conn, now, &user.id, &workspace).await?)
}

/// `POST /api/accounts/change_password` — needs the current password; the new one must meet
/// the policy and not repeat a recent one. Afterwards this session continues under a new id
/// and every other session of the caller ends. Permission: a signed-in caller.
#[server(endpoint = "accounts/change_password", client = crate::csrf_page::ApiClient)]
pub async fn change_password(
    current_password: String,
    new_password: String,
) -> Result<(), AppError> {
    use crate::server::{
        identity::accounts, identity::passwords::Password, identity::sessions, web::auth,
        web::context::server_context,
    };
    let ctx = server_context()?;
    let user = auth::require_user_with_expired_password(&ctx).await?;
    let (current, new) = (Password::new(current_password), Password::new(new_password));
    let origin = auth::origin();
    let (db, clock) = (&ctx.db, &ctx.clock);
    accounts::change_password(db, clock, &ctx.hasher, &user.id, &current, &new, &origin).await?;
    let session = auth::request_session().await?;
    auth::rotate(&session).await?;
    sessions::revoke_others(db, clock, &user.id, session.id(), &origin).await?;
    Ok(())
}

/// `POST /api/accounts/sign_out` — ends the caller's session, server side too.
#[server(endpoint = "accounts/sign_out", client = crate::csrf_page::ApiClient)]
pub async fn sign_out() -> Result<(), AppError> {
    use crate::server::web::auth;
    let session = auth::request_session().await?;
    auth::end(&session).await
}

/// `POST /api/accounts/me` — the signed-in person and their workspace, or nothing.
#[server(endpoint = "accounts/me", client = crate::csrf_page::ApiClient)]
pub async fn me() -> Result<Option<CurrentUser>, AppError> {
    use crate::server::{web::auth, web::context::server_context};
    let ctx = server_context()?;
    let session = auth::request_session().await?;
    auth::current(&session, &ctx).await
}

/// `POST /api/accounts/resend_verification` — mails a fresh confirmation link to the caller's
/// address. Permission: a signed-in caller whose address is not yet confirmed.
#[server(endpoint = "accounts/resend_verification", client = crate::csrf_page::ApiClient)]
pub async fn resend_verification() -> Result<(), AppError> {
    use crate::server::{web::auth, web::context::server_context};
    let ctx = server_context()?;
    let user = auth::require_user(&ctx).await?;
    if user.email_verified {
        return Err(AppError::Conflict {
            message: "Your email address is already confirmed.".into(),
        });
    }
    send_verification(&ctx, &user.id)
        .await
        .map_err(|e| AppError::internal(format!("verification mail: {e}")))
}

/// `POST /api/accounts/request_password_reset` — mails a reset link if the address has an
/// account. The answer, and how long it takes, are the same either way: the mail is sent
/// after the response. Permission: none.
#[server(endpoint = "accounts/request_password_reset", client = crate::csrf_page::ApiClient)]
pub async fn request_password_reset(email: String) -> Result<(), AppError> {
    use crate::server::{identity::email_tokens, web::context::server_context};
    let ctx = server_context()?;
    if email.trim().is_empty() {
        return Err(AppError::validation("email", "Enter your email address."));
    }
    tokio::spawn(async move {
        let link = match email_tokens::issue_reset(&ctx.db, &ctx.clock, &email).await {
            Ok(Some(link)) => link,
            Ok(None) => return,
            Err(e) => {
                tracing::error!(error = %e, "password reset not issued");
                return;
            }
        };
        if let Err(e) = mail_reset(&ctx, &link).await {
            tracing::error!(error = %e, "password reset mail not sent");
        }
    });
    Ok(())
}

#[cfg(feature = "ssr")]
async fn mail_reset(
    ctx: &crate::server::web::context::ServerContext,
    link: &crate::server::identity::email_tokens::ResetLink,
) -> Result<(), String> {
    use crate::server::platform::mail::Mail;
    let url = format!("{}/reset-password?token={}", ctx.public_url, link.token);
    let to = link
        .email
        .parse()
        .map_err(|e: lettre::address::AddressError| e.to_string())?;
    let text = format!(
        "Hello {},\n\nSomeone asked to reset the password of your Gatehouse account. \
         Choose a new one here:\n\n{url}\n\n\
         The link works once, for 45 minutes. If it was not you, ignore this message: \
         your password stays as it is.\n",
        link.name
    );
    ctx.mailer
        .send(Mail {
            to,
            subject: "Reset your Gatehouse password".into(),
            text,
        })
        .await
        .map_err(|e| e.to_string())
}

/// `POST /api/accounts/reset_password` — sets a new password with a mailed reset link and ends
/// every session of the account; it does not sign in. Permission: the token.
#[server(endpoint = "accounts/reset_password", client = crate::csrf_page::ApiClient)]
pub async fn reset_password(token: String, new_password: String) -> Result<(), AppError> {
    use crate::server::{
        identity::email_tokens, identity::passwords::Password, web::auth,
        web::context::server_context,
    };
    let ctx = server_context()?;
    let new = Password::new(new_password);
    let origin = auth::origin();
    email_tokens::reset_password(&ctx.db, &ctx.clock, &ctx.hasher, &token, &new, &origin).await?;
    Ok(())
}
