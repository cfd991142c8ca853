//! The session half of cross-site request forgery protection (synchronizer tokens).
//!
//! Every session — an anonymous visitor's too, so the sign-in and sign-up forms are covered —
//! holds one random token. Pages carry it (a `<meta>` tag for scripts, a hidden field in every
//! form) and the server-function gate refuses any call that does not present it. The browser's
//! same-origin policy keeps another site from reading the token, so it cannot forge the call
//! even where the Fetch-Metadata/Origin check does not apply.

use base64::Engine as _;
use sha2::{Digest, Sha256};
use tower_sessions::Session;

use crate::error::AppError;

const SESSION_KEY: &str = "csrf";

fn session_error(e: tower_sessions::session::Error) -> AppError {
    AppError::internal(format!("session: {e}"))
}

fn fresh() -> String {
    let bytes: [u8; 32] = rand::random();
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// The session's token, created on first use (this is what starts an anonymous session).
pub async fn token(session: &Session) -> Result<String, AppError> {
    if let Some(token) = session
        .get::<String>(SESSION_KEY)
        .await
        .map_err(session_error)?
    {
        return Ok(token);
    }
    let token = fresh();
    session
        .insert(SESSION_KEY, &token)
        .await
        .map_err(session_error)?;
    Ok(token)
}

/// Replaces the token. Called at sign-in, so a token seen before (on a shared computer, or
/// planted with a session id) is worth nothing afterwards.
pub async fn renew(session: &Session) -> Result<(), AppError> {
    session
        .insert(SESSION_KEY, fresh())
        .await
        .map_err(session_error)
}

/// Whether `presented` is this session's token. A session without one matches nothing.
pub async fn matches(session: &Session, presented: Option<&str>) -> Result<bool, AppError> {
    let Some(presented) = presented else {
        return Ok(false);
    };
    let Some(expected) = session
        .get::<String>(SESSION_KEY)
        .await
        .map_err(session_error)?
    else {
        return Ok(false);
    };
    Ok(equal_in_constant_time(&expected, presented))
}

/// Compares digests, so the time taken says nothing about how much of a guess was right.
fn equal_in_constant_time(a: &str, b: &str) -> bool {
    let (a, b) = (Sha256::digest(a.as_bytes()), Sha256::digest(b.as_bytes()));
    a.iter()
        .zip(b.iter())
        .fold(0u8, |acc, (x, y)| acc | (x ^ y))
        == 0
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use tower_sessions::MemoryStore;

    fn session() -> Session {
        Session::new(None, Arc::new(MemoryStore::default()), None)
    }

    #[tokio::test]
    async fn a_token_is_made_once_and_then_kept() {
        let s = session();
        let first = token(&s).await.unwrap();
        assert_eq!(first.len(), 43, "32 random bytes, base64url");
        assert_eq!(token(&s).await.unwrap(), first);
        assert!(matches(&s, Some(&first)).await.unwrap());
    }

    #[tokio::test]
    async fn missing_wrong_or_renewed_tokens_do_not_match() {
        let s = session();
        assert!(
            !matches(&s, Some("anything")).await.unwrap(),
            "no token yet"
        );
        let old = token(&s).await.unwrap();
        assert!(!matches(&s, None).await.unwrap());
        assert!(!matches(&s, Some("")).await.unwrap());
        assert!(!matches(&s, Some(&old[..42])).await.unwrap());
        renew(&s).await.unwrap();
        assert!(!matches(&s, Some(&old)).await.unwrap());
        let new = token(&s).await.unwrap();
        assert_ne!(new, old);
        assert!(matches(&s, Some(&new)).await.unwrap());
    }
}
