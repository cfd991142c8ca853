//! Re-authentication before a change to how a person proves who they are (ASVS 5.0 V6/V7):
//! adding, replacing or removing a second factor, replacing recovery codes. A signed-in
//! session alone is not enough — it may be stolen.
//!
//! The proof: the account's password, and — once the person has a second factor — a current
//! code from one (app, email or recovery code). Someone without a factor yet may skip the
//! password within `RECENT_PASSWORD_MS` of giving it in this session, so the set-up forced
//! right after the password step stays one step. Wrong passwords and codes count towards the
//! lockout rule, as at sign-in. (Changing the password needs the current one; it is checked
//! in `accounts::change_password`.)

use tower_sessions::Session;

use crate::server::web::context::ServerContext;
use sqlx::Row;

use crate::error::AppError;
use crate::model::UserId;
use crate::server::identity::passwords::{Hasher, Password, Verified};
use crate::server::platform::clock::Clock;
use crate::server::platform::db::Db;
use crate::server::platform::error::DomainError;
use crate::server::{identity::lockout, identity::mfa, web::auth};

pub mod proof;
pub use proof::Reauthenticated;

/// How long a password given in this session stands in for typing it again, for a person
/// without a second factor.
pub const RECENT_PASSWORD_MS: i64 = 5 * 60 * 1000;

/// What the form gave: the password (may be empty), and a current code with the name of the
/// field it came in, so a refusal names that field.
pub struct Proof<'a> {
    pub password: &'a str,
    pub code: &'a str,
    pub code_field: &'static str,
}

impl std::fmt::Debug for Proof<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Proof")
            .field("code_field", &self.code_field)
            .finish_non_exhaustive()
    }
}

/// Re-checks `user`'s password before a change to how they sign in. A wrong one counts towards
/// the lockout rule, as at sign-in; a locked account is refused.
pub async fn confirm_password(
    db: &Db,
    clock: &Clock,
    hasher: &Hasher,
    user: &UserId,
    password: &Password,
    origin: &crate::server::audit::append::Origin,
) -> Result<(), DomainError> {
    let wrong = || DomainError::invalid("password", "That is not your password.");
    let stored: String = sqlx::query("SELECT password_hash FROM users WHERE id = $1")
        .bind(user.as_str())
        .fetch_optional(db.pool())
        .await?
        .ok_or(DomainError::NotFound)?
        .try_get("password_hash")?;
    let verified = hasher.verify(password, &stored).await?;
    if lockout::is_locked(db, clock, user).await? {
        return Err(DomainError::invalid("password", lockout::LOCKED));
    }
    if verified == Verified::No {
        use crate::server::identity::security_events::EventKind;
        lockout::count_failure(db, clock, user, origin, EventKind::SignInFailed).await?;
        return Err(wrong());
    }
    Ok(())
}

/// Whether `prove` will want the password typed: always once the person has a factor, else
/// unless this session gave it within `RECENT_PASSWORD_MS`.
pub async fn password_needed(
    ctx: &ServerContext,
    session: &Session,
    has_factor: bool,
) -> Result<bool, AppError> {
    Ok(has_factor || !auth::password_given_within(session, ctx, RECENT_PASSWORD_MS).await?)
}

/// Checks `proof` for `user`, signed in on `session`.
pub async fn prove(
    ctx: &ServerContext,
    session: &Session,
    user: &UserId,
    proof: Proof<'_>,
) -> Result<Reauthenticated, AppError> {
    let origin = auth::origin();
    let has_factor = mfa::methods(&ctx.db, user).await?.is_some();
    if proof.password.is_empty() {
        if password_needed(ctx, session, has_factor).await? {
            return Err(AppError::validation(
                "password",
                "Enter your password to confirm it's you.",
            ));
        }
    } else {
        let password = Password::new(proof.password);
        confirm_password(&ctx.db, &ctx.clock, &ctx.hasher, user, &password, &origin).await?;
        auth::note_password(session, ctx).await?;
    }
    if has_factor {
        if proof.code.trim().is_empty() {
            return Err(AppError::validation(
                proof.code_field,
                "Enter a current code from your app or email, or a recovery code.",
            ));
        }
        mfa::check(&ctx.db, &ctx.clock, user, proof.code, &origin)
            .await
            .map_err(|e| match e {
                crate::server::platform::error::DomainError::Invalid { message, .. } => {
                    AppError::validation(proof.code_field, message)
                }
                other => other.into(),
            })?;
    }
    Ok(Reauthenticated::new(user))
}

/// The one bypass, for tests of the domain functions behind the proof.
#[cfg(feature = "test-support")]
pub fn unsafe_assume_reauthenticated(user: &UserId) -> Reauthenticated {
    Reauthenticated::new(user)
}
