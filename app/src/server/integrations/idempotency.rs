//! `Idempotency-Key` for the REST API's creating requests (draft-ietf-httpapi-idempotency-key-
//! header): a client that lost an answer retries with the same key and gets the first answer
//! again, and nothing is created twice. Keys belong to one API key and last 24 hours.
//!
//! The first request reserves the key before it runs and keeps its answer after; a second one
//! arriving meanwhile is told to wait (`Conflict`), one with another request under the same key
//! is refused (`Invalid`, 422 as the draft asks). A refused first request gives its key back, so
//! the client can correct the request and send it again under the same key. A reservation whose
//! request never finished (the process died) is taken over after [`ABANDONED_AFTER_MS`].

use crate::permissions::Key;
use crate::server::access::grants::Grant;
use crate::server::platform::db::Db;
use crate::server::platform::digest;
use crate::server::platform::error::DomainError;

/// How long a key's answer is kept.
pub const KEPT_MS: i64 = 24 * 60 * 60 * 1000;
/// How long a reservation without an answer holds before another request may take it.
pub const ABANDONED_AFTER_MS: i64 = 5 * 60 * 1000;
/// The longest key accepted.
pub const MAX_KEY_CHARS: usize = 255;

/// The header's name, as problem details name it.
pub const FIELD: &str = "Idempotency-Key";

/// A first request's answer, given again to its retries.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Answer {
    pub status: u16,
    pub body: String,
    pub location: Option<String>,
}

/// What reserving a key found.
#[derive(Debug)]
pub enum Claim {
    /// This request is the key's first (or takes over an abandoned one): run it, then
    /// [`keep`] or [`release`].
    First(Reservation),
    /// The key's first request already answered this.
    Replay(Answer),
}

/// A key this request holds until it keeps its answer or gives the key back.
#[derive(Debug)]
pub struct Reservation {
    key: String,
    idem_key: String,
}

/// "The same request": a digest of what the client sent.
pub fn fingerprint(method: &str, path: &str, body: &[u8]) -> String {
    let mut sent = Vec::with_capacity(method.len() + path.len() + body.len() + 2);
    for part in [method.as_bytes(), path.as_bytes(), body] {
        sent.extend_from_slice(part);
        sent.push(0);
    }
    digest::sha256_hex(&sent)
}

/// Checks a key as sent: printable ASCII, 1 to [`MAX_KEY_CHARS`] characters.
pub fn check_key(raw: &str) -> Result<&str, DomainError> {
    if raw.is_empty() || raw.len() > MAX_KEY_CHARS || !raw.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(DomainError::invalid(
            FIELD,
            format!("Use 1 to {MAX_KEY_CHARS} visible ASCII characters, such as a UUID."),
        ));
    }
    Ok(raw)
}

/// Reserves `idem_key` for the grant's API key and the request `fingerprint`, or finds the
/// answer its first request gave. Calls without an API key have nothing to key on and are
/// refused here (the REST API has no other caller).
pub async fn reserve<K: Key>(
    db: &Db,
    grant: &Grant<K>,
    idem_key: &str,
    fingerprint: &str,
) -> Result<Claim, DomainError> {
    let idem_key = check_key(idem_key)?;
    let key = grant
        .acting()
        .key
        .ok_or_else(|| DomainError::invalid(FIELD, "Only API keys can use Idempotency-Key."))?
        .as_str()
        .to_owned();
    let now = grant.now_ms();
    let mut tx = grant.begin(db, true).await?;
    sqlx::query("DELETE FROM api_idempotency WHERE api_key_id = $1 AND created_at < $2")
        .bind(&key)
        .bind(now - KEPT_MS)
        .execute(&mut *tx)
        .await?;
    let inserted = sqlx::query(
        "INSERT INTO api_idempotency (api_key_id, idem_key, workspace_id, fingerprint, created_at) \
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT (api_key_id, idem_key) DO NOTHING",
    )
    .bind(&key)
    .bind(idem_key)
    .bind(grant.workspace().as_str())
    .bind(fingerprint)
    .bind(now)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    let reservation = Reservation {
        key: key.clone(),
        idem_key: idem_key.to_owned(),
    };
    if inserted == 1 {
        tx.commit().await?;
        return Ok(Claim::First(reservation));
    }
    let row: (String, Option<i64>, Option<String>, Option<String>, i64) = sqlx::query_as(
        "SELECT fingerprint, status, body, location, created_at FROM api_idempotency \
         WHERE api_key_id = $1 AND idem_key = $2",
    )
    .bind(&key)
    .bind(idem_key)
    .fetch_one(&mut *tx)
    .await?;
    let (kept_fingerprint, status, body, location, created_at) = row;
    if kept_fingerprint != fingerprint {
        return Err(DomainError::invalid(
            FIELD,
            "This Idempotency-Key was used for another request. Use a new key for a new request.",
        ));
    }
    if let Some(status) = status {
        return Ok(Claim::Replay(Answer {
            status: u16::try_from(status).unwrap_or(500),
            body: body.unwrap_or_default(),
            location,
        }));
    }
    if created_at >= now - ABANDONED_AFTER_MS {
        return Err(DomainError::Conflict(
            "The first request with this Idempotency-Key is still running. Try again in a moment."
                .into(),
        ));
    }
    let taken = sqlx::query(
        "UPDATE api_idempotency SET created_at = $1 \
         WHERE api_key_id = $2 AND idem_key = $3 AND created_at = $4 AND status IS NULL",
    )
    .bind(now)
    .bind(&key)
    .bind(idem_key)
    .bind(created_at)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    tx.commit().await?;
    if taken == 1 {
        Ok(Claim::First(reservation))
    } else {
        Err(DomainError::Conflict(
            "Another request took this Idempotency-Key over. Try again in a moment.".into(),
        ))
    }
}

/// Keeps the first request's answer for its retries.
pub async fn keep<K: Key>(
    db: &Db,
    grant: &Grant<K>,
    reservation: Reservation,
    answer: &Answer,
) -> Result<(), DomainError> {
    let mut tx = grant.begin(db, true).await?;
    sqlx::query(
        "UPDATE api_idempotency SET status = $1, body = $2, location = $3 \
         WHERE api_key_id = $4 AND idem_key = $5",
    )
    .bind(i64::from(answer.status))
    .bind(&answer.body)
    .bind(answer.location.as_deref())
    .bind(&reservation.key)
    .bind(&reservation.idem_key)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Gives the key back after a refused request, so a corrected one may use it.
pub async fn release<K: Key>(
    db: &Db,
    grant: &Grant<K>,
    reservation: Reservation,
) -> Result<(), DomainError> {
    let mut tx = grant.begin(db, true).await?;
    sqlx::query(
        "DELETE FROM api_idempotency WHERE api_key_id = $1 AND idem_key = $2 AND status IS NULL",
    )
    .bind(&reservation.key)
    .bind(&reservation.idem_key)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_is_visible_ascii_of_bounded_length() {
        assert!(check_key("7c1b2f3e-0d4a-4c55-9c1e-2b7d8e9f0a1b").is_ok());
        assert!(check_key(&"k".repeat(MAX_KEY_CHARS)).is_ok());
        for bad in [
            "",
            " ",
            "a b",
            "ключ",
            "a\nb",
            &"k".repeat(MAX_KEY_CHARS + 1),
        ] {
            assert!(check_key(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn the_fingerprint_separates_method_path_and_body() {
        let a = fingerprint("POST", "/api/v1/customers", b"{}");
        assert_eq!(a, fingerprint("POST", "/api/v1/customers", b"{}"));
        assert_ne!(a, fingerprint("POST", "/api/v1/customers", b"{ }"));
        assert_ne!(a, fingerprint("POST", "/api/v1/product", b"s{}"));
        assert_ne!(a, fingerprint("PUT", "/api/v1/customers", b"{}"));
    }
}
