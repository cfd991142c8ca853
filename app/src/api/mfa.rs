//! `mfa/*` endpoints: the signed-in person's own second factors — an authenticator app, codes
//! by email, recovery codes. Each works on the caller's account only, so none takes a user id.
//! They are open to a caller whose workspace requires a second factor they have not set up yet
//! (`auth::require_user_enrolling`): this is where they set it up.

use leptos::prelude::*;

use crate::error::AppError;
use crate::model::{AppSetup, SecondFactors};

/// `POST /api/mfa/status` — which second factors the caller has, and whether one is required.
/// Permission: a signed-in caller.
#[server(endpoint = "mfa/status", client = crate::csrf_page::ApiClient)]
pub async fn mfa_status() -> Result<SecondFactors, AppError> {
    use crate::server::{identity::mfa, identity::reauth, web::auth, web::context::server_context};
    let ctx = server_context()?;
    let user = auth::require_user_enrolling(&ctx).await?;
    let mut factors = mfa::factors(&ctx.db, &ctx.clock, &user.id).await?;
    let session = auth::request_session().await?;
    factors.password_needed = reauth::password_needed(&ctx, &session, factors.any()).await?;
    Ok(factors)
}

/// `POST /api/mfa/start_app` — a new key for an authenticator app, as a QR code and as text.
/// Nothing changes until `mfa/confirm_app` sees a code from it. Permission: a signed-in caller.
#[server(endpoint = "mfa/start_app", client = crate::csrf_page::ApiClient)]
pub async fn start_app() -> Result<AppSetup, AppError> {
    use crate::server::{identity::mfa, web::auth, web::context::server_context};
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
/// recovery codes, shown this once; an app already in force is replaced. Needs re-authentication
/// (`reauth`): the password (or, for a first factor, one given in this session in the last five
/// minutes) and, when the caller has a factor, a `current_code` from it. The session continues
/// under a new id; with `end_other_sessions`, every other session of the caller ends.
/// Permission: a signed-in caller.
#[server(endpoint = "mfa/confirm_app", client = crate::csrf_page::ApiClient)]
pub async fn confirm_app(
    code: String,
    password: Option<String>,
    current_code: Option<String>,
    end_other_sessions: Option<String>,
) -> Result<Vec<String>, AppError> {
    use crate::server::{
        identity::mfa, identity::security_events::EventKind, web::auth,
        web::context::server_context,
    };
    let ctx = server_context()?;
    let user = auth::require_user_enrolling(&ctx).await?;
    let replacing = mfa::has_totp(&ctx.db, &user.id).await?;
    let proof = reauthenticate(&ctx, &user, password, current_code, "current_code").await?;
    let codes = mfa::confirm_totp(&ctx.db, &ctx.clock, &proof, &code).await?;
    let (kind, what) = if replacing {
        (
            EventKind::SecondFactorReplaced,
            "Your authenticator app was changed: the one you used before no longer works, and \
             your old recovery codes were replaced.",
        )
    } else {
        (
            EventKind::SecondFactorAdded,
            "An authenticator app was set up for two-step sign-in.",
        )
    };
    after_change(&ctx, &user, kind, what, end_other_sessions).await?;
    Ok(codes)
}

/// `POST /api/mfa/send_email_code` — mails the caller a one-time code: to turn codes by email
/// on, or to confirm a change to their second factors. Permission: a signed-in caller with a
/// confirmed address.
#[server(endpoint = "mfa/send_email_code", client = crate::csrf_page::ApiClient)]
pub async fn send_email_code() -> Result<(), AppError> {
    use crate::server::{web::auth, web::context::server_context};
    let ctx = server_context()?;
    let user = auth::require_user_enrolling(&ctx).await?;
    if !user.email_verified {
        return Err(AppError::Conflict {
            message: "Confirm your email address first: use the link we sent you.".into(),
        });
    }
    mail_code(&ctx, &user.id).await
}

/// `POST /api/mfa/confirm_email` — turns codes by email on with the code just mailed. Needs
/// re-authentication like `mfa/confirm_app`; the session continues under a new id and others
/// may end. Permission: a signed-in caller.
#[server(endpoint = "mfa/confirm_email", client = crate::csrf_page::ApiClient)]
pub async fn confirm_email_codes(
    code: String,
    password: Option<String>,
    current_code: Option<String>,
    end_other_sessions: Option<String>,
) -> Result<(), AppError> {
    use crate::server::{
        identity::mfa, identity::security_events::EventKind, web::auth,
        web::context::server_context,
    };
    let ctx = server_context()?;
    let user = auth::require_user_enrolling(&ctx).await?;
    if mfa::factors(&ctx.db, &ctx.clock, &user.id).await?.email {
        return Err(AppError::Conflict {
            message: "Codes by email are already on.".into(),
        });
    }
    let proof = reauthenticate(&ctx, &user, password, current_code, "current_code").await?;
    mfa::confirm_email_factor(&ctx.db, &ctx.clock, &proof, &code).await?;
    after_change(
        &ctx,
        &user,
        EventKind::SecondFactorAdded,
        "Codes by email were turned on for two-step sign-in.",
        end_other_sessions,
    )
    .await
}

/// `POST /api/mfa/disable_app` — turns the authenticator app off (and its recovery codes).
/// Needs the password and a current code; refused when a workspace requires a second factor
/// and this is the last one. Permission: a signed-in caller.
#[server(endpoint = "mfa/disable_app", client = crate::csrf_page::ApiClient)]
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
#[server(endpoint = "mfa/disable_email", client = crate::csrf_page::ApiClient)]
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
#[server(endpoint = "mfa/regenerate_recovery_codes", client = crate::csrf_page::ApiClient)]
pub async fn regenerate_recovery_codes(
    password: String,
    code: String,
) -> Result<Vec<String>, AppError> {
    use crate::server::{
        identity::mfa, identity::security_events::EventKind, web::auth,
        web::context::server_context,
    };
    let ctx = server_context()?;
    let user = auth::require_user_enrolling(&ctx).await?;
    if !mfa::has_totp(&ctx.db, &user.id).await? {
        return Err(AppError::Conflict {
            message: "Recovery codes come with an authenticator app. Set one up first.".into(),
        });
    }
    let proof = reauthenticate(&ctx, &user, Some(password), Some(code), "code").await?;
    let codes = mfa::regenerate_recovery_codes(&ctx.db, &ctx.clock, &proof).await?;
    record_and_mail(
        &ctx,
        &user,
        EventKind::RecoveryCodesRegenerated,
        "New recovery codes were made for your account; the old ones no longer work.",
    )
    .await?;
    Ok(codes)
}

/// The re-authentication every change to a second factor needs (`server::reauth`).
#[cfg(feature = "ssr")]
pub(crate) async fn reauthenticate(
    ctx: &crate::server::web::context::ServerContext,
    user: &crate::model::CurrentUser,
    password: Option<String>,
    code: Option<String>,
    code_field: &'static str,
) -> Result<crate::server::identity::reauth::Reauthenticated, AppError> {
    use crate::server::{identity::reauth, web::auth};
    let session = auth::request_session().await?;
    let (password, code) = (password.unwrap_or_default(), code.unwrap_or_default());
    reauth::prove(
        ctx,
        &session,
        &user.id,
        reauth::Proof {
            password: &password,
            code: &code,
            code_field,
        },
    )
    .await
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
    use crate::server::{
        identity::mfa, identity::security_events::EventKind, web::auth,
        web::context::server_context,
    };
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
    let proof = reauthenticate(&ctx, &user, Some(password), Some(code), "code").await?;
    let what = match factor {
        Factor::App => {
            mfa::disable_app(&ctx.db, &proof).await?;
            "The authenticator app was turned off for your account, with its recovery codes."
        }
        Factor::Email => {
            mfa::disable_email(&ctx.db, &proof).await?;
            "Codes by email were turned off for your account."
        }
    };
    after_change(
        &ctx,
        &user,
        EventKind::SecondFactorRemoved,
        what,
        end_other_sessions,
    )
    .await
}

/// What follows any change to a person's second factors: an event and a mail to them, a new
/// session id (the session's standing changed), and on request the end of their other
/// sessions.
#[cfg(feature = "ssr")]
async fn after_change(
    ctx: &crate::server::web::context::ServerContext,
    user: &crate::model::CurrentUser,
    kind: crate::server::identity::security_events::EventKind,
    what: &str,
    end_other_sessions: Option<String>,
) -> Result<(), AppError> {
    use crate::server::{identity::sessions, web::auth};
    record_and_mail(ctx, user, kind, what).await?;
    let session = auth::request_session().await?;
    auth::rotate(&session).await?;
    if end_other_sessions.is_some() {
        let origin = auth::origin();
        sessions::revoke_others(&ctx.db, &ctx.clock, &user.id, session.id(), &origin).await?;
    }
    Ok(())
}

/// Records a change to `user`'s second factors and tells them by mail, so a change they did
/// not make does not go unnoticed. The change stands if the mail fails; that is logged.
#[cfg(feature = "ssr")]
async fn record_and_mail(
    ctx: &crate::server::web::context::ServerContext,
    user: &crate::model::CurrentUser,
    kind: crate::server::identity::security_events::EventKind,
    what: &str,
) -> Result<(), AppError> {
    use crate::server::{
        identity::accounts, identity::security_events, platform::mail::Mail, web::auth,
    };
    let origin = auth::origin();
    let subject = security_events::Subject {
        user: Some(&user.id),
        origin: Some(&origin),
        ..Default::default()
    };
    security_events::record_alone(&ctx.db, &ctx.clock, kind, subject).await?;
    let (name, email) = accounts::profile(&ctx.db, &user.id).await?;
    let Ok(to) = email.parse() else {
        tracing::error!(user = %user.id.as_str(), "factor-change notice: unusable address");
        return Ok(());
    };
    let from = origin.ip.as_deref().unwrap_or("an unknown address");
    let text = format!(
        "Hello {name},\n\n{what}\n\nThe change was made from {from}. If it was not you, \
         sign in, change your password and end your other sessions, or ask a workspace admin \
         for help.\n"
    );
    let mail = Mail {
        to,
        subject: "Your Gatehouse sign-in settings changed".into(),
        text,
    };
    if let Err(e) = ctx.mailer.send(mail).await {
        tracing::error!(error = %e, "factor-change notice not sent");
    }
    Ok(())
}

/// Mails `user` a fresh one-time code (any earlier one stops working).
#[cfg(feature = "ssr")]
pub(crate) async fn mail_code(
    ctx: &crate::server::web::context::ServerContext,
    user: &crate::model::UserId,
) -> Result<(), AppError> {
    use crate::server::{identity::accounts, identity::mfa, platform::mail::Mail};
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
