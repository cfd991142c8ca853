//! Second factors: an authenticator app (TOTP, RFC 6238: SHA-1, 6 digits, 30-second steps,
//! one step of clock skew either way), codes by email, and single-use recovery codes.
//!
//! A mailed code is 6 random digits, valid for 10 minutes and once; a person holds at most one
//! (a newer one replaces it). Guessing is bounded by the lockout rule: every wrong code counts
//! as a failed sign-in.
//!
//! A code's time step is stored when it is used, so the same code — or any older one — cannot
//! be used twice. Recovery codes are 80 random bits; only their SHA-256 is stored (their entropy
//! makes a slow hash unnecessary), and each works once.

use sqlx::Row;
use totp_rs::{Algorithm, Secret, TOTP};

use crate::model::{SecondFactors, UserId};
use crate::server::identity::reauth::proof::Reauthenticated;
pub use crate::server::identity::second_factors::{has_totp, methods, recovery_codes_left};
use crate::server::platform::clock::Clock;
use crate::server::platform::db::Db;
use crate::server::platform::error::DomainError;

pub const DIGITS: usize = 6;
pub const STEP_SECS: u64 = 30;
pub const SKEW_STEPS: u8 = 1;
pub const RECOVERY_CODES: usize = 10;
pub const EMAIL_CODE_MINUTES: i64 = 10;
const ISSUER: &str = "Gatehouse";

fn totp(secret: Vec<u8>, account: &str) -> Result<TOTP, DomainError> {
    TOTP::new(
        Algorithm::SHA1,
        DIGITS,
        SKEW_STEPS,
        STEP_SECS,
        secret,
        Some(ISSUER.to_owned()),
        account.to_owned(),
    )
    .map_err(|e| DomainError::Internal(format!("totp: {e}")))
}

fn decode(secret_b32: &str) -> Result<Vec<u8>, DomainError> {
    Secret::Encoded(secret_b32.to_owned())
        .to_bytes()
        .map_err(|e| DomainError::Internal(format!("stored totp secret: {e:?}")))
}

/// What enrolment shows: the key to type in, the `otpauth://` URL, and that URL as an SVG
/// QR code.
#[derive(Clone)]
pub struct Enrolment {
    pub secret_base32: String,
    pub otpauth_url: String,
    pub qr_svg: String,
}

crate::redacted_debug!(Enrolment {});

/// Starts (or restarts) enrolment of an authenticator app for `user`: a fresh 160-bit key,
/// not yet in force until `confirm_totp` sees a valid code. An app already in force is kept
/// until then.
pub async fn start_totp(
    db: &Db,
    clock: &Clock,
    user: &UserId,
    account_label: &str,
) -> Result<Enrolment, DomainError> {
    let bytes: [u8; 20] = rand::random();
    let secret_base32 = base32(&bytes)?;
    let otpauth_url = totp(bytes.to_vec(), account_label)?.get_url();
    let qr_svg = qrcode::QrCode::new(otpauth_url.as_bytes())
        .map_err(|e| DomainError::Internal(format!("qr code: {e}")))?
        .render::<qrcode::render::svg::Color>()
        .min_dimensions(200, 200)
        .build();
    sqlx::query(
        "INSERT INTO totp_enrolments (user_id, secret, created_at) VALUES ($1, $2, $3) \
         ON CONFLICT (user_id) DO UPDATE SET secret = excluded.secret, created_at = excluded.created_at",
    )
    .bind(user.as_str())
    .bind(&secret_base32)
    .bind(clock.now_ms())
    .execute(db.pool())
    .await?;
    Ok(Enrolment {
        secret_base32,
        otpauth_url,
        qr_svg,
    })
}

/// The time step `code` is valid for, within the allowed skew, if any; each candidate is
/// compared in constant time.
fn matching_step(secret: &[u8], code: &str, now_ms: i64) -> Result<Option<i64>, DomainError> {
    let code = code.trim();
    if code.len() != DIGITS || !code.bytes().all(|b| b.is_ascii_digit()) {
        return Ok(None);
    }
    let t = totp(secret.to_vec(), "check")?;
    let now_step = now_ms.div_euclid(1000) / STEP_SECS as i64;
    for step in [now_step - 1, now_step, now_step + 1] {
        if step < 0 {
            continue;
        }
        let expected = t.generate(step as u64 * STEP_SECS);
        if constant_time_eq(expected.as_bytes(), code.as_bytes()) {
            return Ok(Some(step));
        }
    }
    Ok(None)
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

fn wrong_code() -> DomainError {
    DomainError::invalid(
        "code",
        "That code is not right. Enter the current code from your app.",
    )
}

/// Confirms enrolment with a current code; the app is then in force, replacing any earlier
/// one, and a fresh set of recovery codes is returned (to be shown once). Only after the
/// person re-authenticated: a stolen session must not swap in its own app.
pub async fn confirm_totp(
    db: &Db,
    clock: &Clock,
    proof: &Reauthenticated,
    code: &str,
) -> Result<Vec<String>, DomainError> {
    let user = proof.user();
    let secret: String = sqlx::query("SELECT secret FROM totp_enrolments WHERE user_id = $1")
        .bind(user.as_str())
        .fetch_optional(db.pool())
        .await?
        .ok_or_else(|| DomainError::invalid("code", "Start the set-up again: it has expired."))?
        .try_get("secret")?;
    let Some(step) = matching_step(&decode(&secret)?, code, clock.now_ms())? else {
        return Err(wrong_code());
    };
    let now = clock.now_ms();
    let mut tx = db.begin_write().await?;
    sqlx::query(
        "INSERT INTO totp_factors (user_id, secret, last_used_step, created_at) \
         VALUES ($1, $2, $3, $4) ON CONFLICT (user_id) DO UPDATE SET secret = excluded.secret, \
         last_used_step = excluded.last_used_step, created_at = excluded.created_at",
    )
    .bind(user.as_str())
    .bind(&secret)
    .bind(step)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    sqlx::query("DELETE FROM totp_enrolments WHERE user_id = $1")
        .bind(user.as_str())
        .execute(&mut *tx)
        .await?;
    let codes = replace_recovery_codes(&mut tx, clock, user).await?;
    tx.commit().await?;
    Ok(codes)
}

/// A recovery code: 16 base32 characters (80 bits) in groups of four.
fn fresh_recovery_code() -> Result<String, DomainError> {
    let bytes: [u8; 10] = rand::random();
    Ok(base32(&bytes)?
        .as_bytes()
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join("-"))
}

async fn replace_recovery_codes(
    tx: &mut sqlx::AnyConnection,
    clock: &Clock,
    user: &UserId,
) -> Result<Vec<String>, DomainError> {
    sqlx::query("DELETE FROM recovery_codes WHERE user_id = $1")
        .bind(user.as_str())
        .execute(&mut *tx)
        .await?;
    let mut codes = Vec::with_capacity(RECOVERY_CODES);
    for _ in 0..RECOVERY_CODES {
        let code = fresh_recovery_code()?;
        sqlx::query(
            "INSERT INTO recovery_codes (code_hash, user_id, created_at) VALUES ($1, $2, $3)",
        )
        .bind(hash_code(&code))
        .bind(user.as_str())
        .bind(clock.now_ms())
        .execute(&mut *tx)
        .await?;
        codes.push(code);
    }
    Ok(codes)
}

/// Checks a second factor: a current app code not used before, the mailed code, or an unused
/// recovery code (the last two are then used up). The step of an accepted app code is stored in the same statement
/// that checks it, so two racing uses of one code cannot both pass.
pub async fn verify(db: &Db, clock: &Clock, user: &UserId, code: &str) -> Result<(), DomainError> {
    if code.len() > 64 {
        return Err(wrong_code());
    }
    let row = sqlx::query("SELECT secret FROM totp_factors WHERE user_id = $1")
        .bind(user.as_str())
        .fetch_optional(db.pool())
        .await?;
    if let Some(row) = row {
        let secret: String = row.try_get("secret")?;
        if let Some(step) = matching_step(&decode(&secret)?, code, clock.now_ms())? {
            let claimed = sqlx::query(
                "UPDATE totp_factors SET last_used_step = $1 \
                 WHERE user_id = $2 AND (last_used_step IS NULL OR last_used_step < $1)",
            )
            .bind(step)
            .bind(user.as_str())
            .execute(db.pool())
            .await?;
            return if claimed.rows_affected() == 1 {
                Ok(())
            } else {
                Err(DomainError::invalid(
                    "code",
                    "That code was already used. Wait for the next one from your app.",
                ))
            };
        }
    }
    if take_email_code(db, clock, user, code).await? {
        return Ok(());
    }
    let used = sqlx::query(
        "UPDATE recovery_codes SET used_at = $1 \
         WHERE user_id = $2 AND code_hash = $3 AND used_at IS NULL",
    )
    .bind(clock.now_ms())
    .bind(user.as_str())
    .bind(hash_code(code))
    .execute(db.pool())
    .await?;
    if used.rows_affected() == 1 {
        Ok(())
    } else {
        Err(wrong_code())
    }
}

/// `verify`, for a person proving who they are (at sign-in, or before changing their second
/// factors): refused while the account is locked, and every wrong code counts towards the
/// lockout rule like a wrong password.
pub async fn check(
    db: &Db,
    clock: &Clock,
    user: &UserId,
    code: &str,
    origin: &crate::server::audit::append::Origin,
) -> Result<(), DomainError> {
    use crate::server::identity::security_events::EventKind;
    if code.trim().is_empty() {
        return Err(DomainError::invalid("code", "Enter the code."));
    }
    if crate::server::identity::lockout::is_locked(db, clock, user).await? {
        return Err(locked());
    }
    match verify(db, clock, user, code).await {
        Err(DomainError::Invalid { field, message }) => {
            crate::server::identity::lockout::count_failure(
                db,
                clock,
                user,
                origin,
                EventKind::SecondFactorFailed,
            )
            .await?;
            if crate::server::identity::lockout::is_locked(db, clock, user).await? {
                return Err(locked());
            }
            Err(DomainError::Invalid { field, message })
        }
        other => other,
    }
}

fn hash_code(code: &str) -> String {
    let normalized: String = code
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_uppercase())
        .collect();
    crate::server::platform::digest::sha256_hex(normalized.as_bytes())
}

fn base32(bytes: &[u8]) -> Result<String, DomainError> {
    match Secret::Raw(bytes.to_vec()).to_encoded() {
        Secret::Encoded(s) => Ok(s),
        Secret::Raw(_) => Err(DomainError::Internal("base32 encoding".into())),
    }
}

fn locked() -> DomainError {
    DomainError::invalid("code", crate::server::identity::lockout::LOCKED)
}

/// Turns the authenticator app off and deletes the recovery codes.
pub async fn disable_app(db: &Db, proof: &Reauthenticated) -> Result<(), DomainError> {
    delete_rows(
        db,
        proof.user(),
        &["totp_factors", "recovery_codes", "totp_enrolments"],
    )
    .await
}

/// Turns codes by email off.
pub async fn disable_email(db: &Db, proof: &Reauthenticated) -> Result<(), DomainError> {
    delete_rows(db, proof.user(), &["email_factors", "email_codes"]).await
}

async fn delete_rows(db: &Db, user: &UserId, tables: &[&str]) -> Result<(), DomainError> {
    let mut tx = db.begin_write().await?;
    for table in tables {
        sqlx::query(&format!("DELETE FROM {table} WHERE user_id = $1"))
            .bind(user.as_str())
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    Ok(())
}

/// The second factors `user` has, and whether a workspace requires one of them.
pub async fn factors(db: &Db, clock: &Clock, user: &UserId) -> Result<SecondFactors, DomainError> {
    let methods = methods(db, user).await?.unwrap_or_default();
    Ok(SecondFactors {
        app: methods.app,
        email: methods.email,
        recovery_codes_left: recovery_codes_left(db, user).await?,
        required: crate::server::workspace::settings::mfa_required_for_user(db, clock, user)
            .await?,
        // Without a factor, a password given in the session a moment ago may stand in; only
        // the session knows (`reauth::password_needed`).
        password_needed: methods.app || methods.email,
    })
}

/// A fresh 6-digit code for `user` to be mailed, replacing any earlier one. The caller sends
/// it; only its hash is kept.
pub async fn issue_email_code(
    db: &Db,
    clock: &Clock,
    user: &UserId,
) -> Result<String, DomainError> {
    let code = format!("{:06}", rand::random_range(0..1_000_000u32));
    let now = clock.now_ms();
    sqlx::query(
        "INSERT INTO email_codes (user_id, code_hash, expires_at, created_at) \
         VALUES ($1, $2, $3, $4) ON CONFLICT (user_id) DO UPDATE SET \
         code_hash = excluded.code_hash, expires_at = excluded.expires_at, \
         created_at = excluded.created_at",
    )
    .bind(user.as_str())
    .bind(hash_code(&code))
    .bind(now + EMAIL_CODE_MINUTES * 60 * 1000)
    .bind(now)
    .execute(db.pool())
    .await?;
    Ok(code)
}

/// Uses up `user`'s mailed code if `code` is it and it has not expired. Deleting is the check,
/// so one code cannot pass twice.
async fn take_email_code(
    db: &Db,
    clock: &Clock,
    user: &UserId,
    code: &str,
) -> Result<bool, DomainError> {
    let code = code.trim();
    if code.len() != DIGITS || !code.bytes().all(|b| b.is_ascii_digit()) {
        return Ok(false);
    }
    let taken = sqlx::query(
        "DELETE FROM email_codes WHERE user_id = $1 AND code_hash = $2 AND expires_at > $3",
    )
    .bind(user.as_str())
    .bind(hash_code(code))
    .bind(clock.now_ms())
    .execute(db.pool())
    .await?;
    Ok(taken.rows_affected() == 1)
}

/// Turns on codes by email once `code`, mailed by `issue_email_code`, comes back: that proves
/// the mailbox is theirs. Only after the person re-authenticated.
pub async fn confirm_email_factor(
    db: &Db,
    clock: &Clock,
    proof: &Reauthenticated,
    code: &str,
) -> Result<(), DomainError> {
    let user = proof.user();
    if !take_email_code(db, clock, user, code).await? {
        return Err(DomainError::invalid(
            "code",
            "That code is not right, or it has expired. Send a new one.",
        ));
    }
    sqlx::query(
        "INSERT INTO email_factors (user_id, created_at) VALUES ($1, $2) \
         ON CONFLICT (user_id) DO NOTHING",
    )
    .bind(user.as_str())
    .bind(clock.now_ms())
    .execute(db.pool())
    .await?;
    Ok(())
}

/// A fresh set of recovery codes; the old ones stop working.
pub async fn regenerate_recovery_codes(
    db: &Db,
    clock: &Clock,
    proof: &Reauthenticated,
) -> Result<Vec<String>, DomainError> {
    let user = proof.user();
    let mut tx = db.begin_write().await?;
    let codes = replace_recovery_codes(&mut tx, clock, user).await?;
    tx.commit().await?;
    Ok(codes)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 6238, appendix B: the SHA-1 key and the 8-digit codes at each test time.
    #[test]
    fn rfc_6238_sha1_test_vectors() {
        let key = b"12345678901234567890".to_vec();
        let t = TOTP::new_unchecked(Algorithm::SHA1, 8, 1, 30, key, None, String::new());
        for (time, code) in [
            (59, "94287082"),
            (1_111_111_109, "07081804"),
            (1_111_111_111, "14050471"),
            (1_234_567_890, "89005924"),
            (2_000_000_000, "69279037"),
            (20_000_000_000, "65353130"),
        ] {
            assert_eq!(t.generate(time), code, "T = {time}");
        }
    }

    #[test]
    fn codes_match_within_one_step_either_way_only() {
        let key = b"12345678901234567890".to_vec();
        let t = totp(key.clone(), "a").unwrap();
        let at = 1_111_111_109_000_i64;
        let code = t.generate(1_111_111_109);
        let step = 1_111_111_109 / 30;
        assert_eq!(matching_step(&key, &code, at).unwrap(), Some(step));
        assert_eq!(
            matching_step(&key, &code, at + 30_000).unwrap(),
            Some(step),
            "one step late"
        );
        assert_eq!(
            matching_step(&key, &code, at - 30_000).unwrap(),
            Some(step),
            "one step early"
        );
        assert_eq!(
            matching_step(&key, &code, at + 60_000).unwrap(),
            None,
            "two steps late"
        );
        for bad in ["", "12345", "1234567", "abcdef", "12 456", "１２３４５６"] {
            assert_eq!(matching_step(&key, bad, at).unwrap(), None, "{bad:?}");
        }
    }

    #[test]
    fn recovery_codes_are_80_bits_and_compared_without_case_or_dashes() {
        let code = fresh_recovery_code().unwrap();
        assert_eq!(code.len(), 19, "{code}");
        assert_eq!(code.matches('-').count(), 3);
        assert_eq!(
            hash_code(&code),
            hash_code(&code.to_lowercase().replace('-', ""))
        );
        assert_ne!(fresh_recovery_code().unwrap(), code);
    }
}
