//! `mfa/*` endpoints: the signed-in person's own second factors — an authenticator app, codes
//! by email, recovery codes. Each works on the caller's account only, so none takes a user id.
//! They are open to a caller whose workspace requires a second factor they have not set up yet
//! (`auth::require_user_enrolling`): this is where they set it up.

use leptos::prelude::*;

use crate::error::AppError;
use crate::model::{AppSetup, SecondFactors};

/// `POST /api/mfa/status` — which second factors the caller has, and whether one is required.
/// Permission: a signed-in caller.
#[server(endpoint = "mfa/status", client = crate::csrf::ApiClient)]
pub async fn mfa_status() -> Result<SecondFactors, AppError> {
    use crate::server::{auth, context::server_context, mfa};
    let ctx = server_context()?;
    let user = auth::require_user_enrolling(&ctx).await?;
    Ok(mfa::factors(&ctx.db, &ctx.clock, &user.id).await?)
}

/// `POST /api/mfa/start_app` — a new key for an authenticator app, as a QR code and as text.
/// Nothing changes until `mfa/confirm_app` sees a code from it. Permission: a signed-in caller.
#[server(endpoint = "mfa/start_app", client = crate::csrf::ApiClient)]
pub async fn start_app() -> Result<AppSetup, AppError> {
    use crate::server::{auth, context::server_context, mfa};
    let ctx = server_context()?;
    let user = auth::require_user_enrolling(&ctx).await?;
    let enrolment = mfa::start_totp(&ctx.db, &ctx.clock, &user.id, &user.email).await?;
    let key = enrolment
        .secret_base32
        .as_bytes()
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join(" ");
    Ok(AppSetup {
        key,
        otpauth_url: enrolment.otpauth_url,
        qr_svg: enrolment.qr_svg,
    })
}

/// `POST /api/mfa/confirm_app` — turns the app on with a current code from it and returns ten
/// recovery codes, shown this once. The session continues under a new id; with
/// `end_other_sessions`, every other session of the caller ends. Permission: a signed-in caller.
#[server(endpoint = "mfa/confirm_app", client = crate::csrf::ApiClient)]
pub async fn confirm_app(
    code: String,
    end_other_sessions: Option<String>,
) -> Result<Vec<String>, AppError> {
    use crate::server::{auth, context::server_context, mfa, security_events::EventKind};
    let ctx = server_context()?;
    let user = auth::require_user_enrolling(&ctx).await?;
    let codes = mfa::confirm_totp(&ctx.db, &ctx.clock, &user.id, &code).await?;
    after_change(
        &ctx,
        &user.id,
        EventKind::SecondFactorAdded,
        end_other_sessions,
    )
    .await?;
    Ok(codes)
}

/// `POST /api/mfa/send_email_code` — mails the caller a one-time code: to turn codes by email
/// on, or to confirm a change to their second factors. Permission: a signed-in caller with a
/// confirmed address.
#[server(endpoint = "mfa/send_email_code", client = crate::csrf::ApiClient)]
pub async fn send_email_code() -> Result<(), AppError> {
    use crate::server::{auth, context::server_context};
    let ctx = server_context()?;
    let user = auth::require_user_enrolling(&ctx).await?;
    if !user.email_verified {
        return Err(AppError::Conflict {
            message: "Confirm your email address first: use the link we sent you.".into(),
        });
    }
    mail_code(&ctx, &user.id).await
}

/// `POST /api/mfa/confirm_email` — turns codes by email on with the code just mailed. Like
/// `mfa/confirm_app`, the session continues under a new id and others may end.
/// Permission: a signed-in caller.
#[server(endpoint = "mfa/confirm_email", client = crate::csrf::ApiClient)]
pub async fn confirm_email_codes(
    code: String,
    end_other_sessions: Option<String>,
) -> Result<(), AppError> {
    use crate::server::{auth, context::server_context, mfa, security_events::EventKind};
    let ctx = server_context()?;
    let user = auth::require_user_enrolling(&ctx).await?;
    mfa::confirm_email_factor(&ctx.db, &ctx.clock, &user.id, &code).await?;
    after_change(
        &ctx,
        &user.id,
        EventKind::SecondFactorAdded,
        end_other_sessions,
    )
    .await
}

/// `POST /api/mfa/disable_app` — turns the authenticator app off (and its recovery codes).
/// Needs the password and a current code; refused when a workspace requires a second factor
/// and this is the last one. Permission: a signed-in caller.
#[server(endpoint = "mfa/disable_app", client = crate::csrf::ApiClient)]
pub async fn disable_app(
    password: String,
    code: String,
    end_other_sessions: Option<String>,
) -> Result<(), AppError> {
    remove_factor(Factor::App, password, code, end_other_sessions).await
}

/// `POST /api/mfa/disable_email` — turns codes by email off. Needs the password and a current
/// code; refused when a workspace requires a second factor and this is the last one.
/// Permission: a signed-in caller.
#[server(endpoint = "mfa/disable_email", client = crate::csrf::ApiClient)]
pub async fn disable_email_codes(
    password: String,
    code: String,
    end_other_sessions: Option<String>,
) -> Result<(), AppError> {
    remove_factor(Factor::Email, password, code, end_other_sessions).await
}

/// `POST /api/mfa/regenerate_recovery_codes` — ten new recovery codes, shown once; the old ones
/// stop working. Needs the password and a current code. Permission: a signed-in caller with an
/// authenticator app.
#[server(endpoint = "mfa/regenerate_recovery_codes", client = crate::csrf::ApiClient)]
pub async fn regenerate_recovery_codes(
    password: String,
    code: String,
) -> Result<Vec<String>, AppError> {
    use crate::server::{auth, context::server_context, mfa, security_events};
    let ctx = server_context()?;
    let user = auth::require_user_enrolling(&ctx).await?;
    if !mfa::has_totp(&ctx.db, &user.id).await? {
        return Err(AppError::Conflict {
            message: "Recovery codes come with an authenticator app. Set one up first.".into(),
        });
    }
    confirm_change(&ctx, &user, password, &code).await?;
    let codes = mfa::regenerate_recovery_codes(&ctx.db, &ctx.clock, &user.id).await?;
    let ip = auth::client_ip();
    let subject = security_events::Subject {
        user: Some(&user.id),
        ip: ip.as_deref(),
        ..Default::default()
    };
    security_events::record_alone(
        &ctx.db,
        &ctx.clock,
        security_events::EventKind::RecoveryCodesRegenerated,
        subject,
    )
    .await?;
    Ok(codes)
}

/// Checks the caller's password and a current second-factor code.
#[cfg(feature = "ssr")]
async fn confirm_change(
    ctx: &crate::server::context::ServerContext,
    user: &crate::model::CurrentUser,
    password: String,
    code: &str,
) -> Result<(), AppError> {
    use crate::server::{accounts, auth, mfa, passwords::Password};
    let ip = auth::client_ip();
    let password = Password::new(password);
    accounts::confirm_password(
        &ctx.db,
        &ctx.clock,
        &ctx.hasher,
        &user.id,
        &password,
        ip.as_deref(),
    )
    .await?;
    mfa::check(&ctx.db, &ctx.clock, &user.id, code, ip.as_deref()).await?;
    Ok(())
}

#[cfg(feature = "ssr")]
enum Factor {
    App,
    Email,
}

/// Turns one factor off: never the last one a workspace requires (checked before the code,
/// so a refused attempt does not use up a recovery code), then password and current code.
#[cfg(feature = "ssr")]
async fn remove_factor(
    factor: Factor,
    password: String,
    code: String,
    end_other_sessions: Option<String>,
) -> Result<(), AppError> {
    use crate::server::{auth, context::server_context, mfa, security_events::EventKind};
    let ctx = server_context()?;
    let user = auth::require_user_enrolling(&ctx).await?;
    let factors = mfa::factors(&ctx.db, &ctx.clock, &user.id).await?;
    let another_left = match factor {
        Factor::App => factors.email,
        Factor::Email => factors.app,
    };
    if factors.required && !another_left {
        return Err(AppError::Conflict {
            message: "Your workspace requires a second factor. Set up another one before you \
                      turn this one off."
                .into(),
        });
    }
    confirm_change(&ctx, &user, password, &code).await?;
    match factor {
        Factor::App => mfa::disable_app(&ctx.db, &user.id).await?,
        Factor::Email => mfa::disable_email(&ctx.db, &user.id).await?,
    }
    after_change(
        &ctx,
        &user.id,
        EventKind::SecondFactorRemoved,
        end_other_sessions,
    )
    .await
}

/// What follows any change to a person's second factors: an event, a new session id (the
/// session's standing changed), and on request the end of their other sessions.
#[cfg(feature = "ssr")]
async fn after_change(
    ctx: &crate::server::context::ServerContext,
    user: &crate::model::UserId,
    kind: crate::server::security_events::EventKind,
    end_other_sessions: Option<String>,
) -> Result<(), AppError> {
    use crate::server::{auth, security_events, sessions};
    let ip = auth::client_ip();
    let subject = security_events::Subject {
        user: Some(user),
        ip: ip.as_deref(),
        ..Default::default()
    };
    security_events::record_alone(&ctx.db, &ctx.clock, kind, subject).await?;
    let session = auth::request_session().await?;
    auth::rotate(&session).await?;
    if end_other_sessions.is_some() {
        sessions::revoke_others(&ctx.db, user, session.id()).await?;
    }
    Ok(())
}

/// Mails `user` a fresh one-time code (any earlier one stops working).
#[cfg(feature = "ssr")]
pub(crate) async fn mail_code(
    ctx: &crate::server::context::ServerContext,
    user: &crate::model::UserId,
) -> Result<(), AppError> {
    use crate::server::{accounts, mail::Mail, mfa};
    let (name, email) = accounts::profile(&ctx.db, user).await?;
    let code = mfa::issue_email_code(&ctx.db, &ctx.clock, user).await?;
    let to = email
        .parse()
        .map_err(|e: lettre::address::AddressError| AppError::internal(format!("address: {e}")))?;
    let text = format!(
        "Hello {name},\n\nYour Gatehouse code is {code}\n\n\
         It works once, for {} minutes. If you did not just sign in or ask for a code, someone \
         knows your password: change it.\n",
        mfa::EMAIL_CODE_MINUTES
    );
    ctx.mailer
        .send(Mail {
            to,
            subject: format!("Your Gatehouse code: {code}"),
            text,
        })
        .await
        .map_err(|e| AppError::internal(format!("code mail: {e}")))
}
