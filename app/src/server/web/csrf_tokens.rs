//! The tokens of cross-site request forgery protection.
//!
//! A signed-in session (and one waiting for its second factor) holds one random token
//! (synchronizer token). An anonymous visitor has no session — a visit must not cost a database
//! write — so their token is a signed double-submit cookie: a random value with an HMAC under
//! the installation's key, sent both as an HttpOnly cookie and in the page; a call must present
//! the same value the cookie carries, with a valid signature. Pages carry the token (a `<meta>`
//! tag for scripts, a hidden field in every form) and the server-function gate refuses any call
//! that does not present it. The browser's same-origin policy keeps another site from reading
//! the token, and (with the `__Host-` prefix in production) from planting the cookie.

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

/// The session's token, if it has one (signed-in sessions and those waiting for a second
/// factor do). Reading it never starts a session.
pub async fn token(session: &Session) -> Result<Option<String>, AppError> {
    session
        .get::<String>(SESSION_KEY)
        .await
        .map_err(session_error)
}

type HmacSha256 = hmac::Hmac<Sha256>;

/// Signs anonymous visitors' tokens. The key is the installation's (`instance_secrets`).
#[derive(Clone)]
pub struct AnonymousTokens {
    key: [u8; 32],
}

impl std::fmt::Debug for AnonymousTokens {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("AnonymousTokens { key: <redacted> }")
    }
}

impl AnonymousTokens {
    pub fn new(key: [u8; 32]) -> Self {
        Self { key }
    }

    fn signature(&self, nonce: &str) -> String {
        use hmac::Mac as _;
        let mut mac = HmacSha256::new_from_slice(&self.key).expect("HMAC takes any key length");
        mac.update(b"gatehouse anonymous csrf v1:");
        mac.update(nonce.as_bytes());
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes())
    }

    /// A new token: `nonce.signature`.
    pub fn mint(&self) -> String {
        let nonce = fresh();
        let signature = self.signature(&nonce);
        format!("{nonce}.{signature}")
    }

    /// Whether `token` was minted under this key.
    pub fn is_signed(&self, token: &str) -> bool {
        token
            .split_once('.')
            .is_some_and(|(nonce, sig)| equal_in_constant_time(&self.signature(nonce), sig))
    }

    /// Whether a call presenting `presented` with the cookie `cookie` passes: the same value
    /// in both, signed under this key.
    pub fn matches(&self, cookie: Option<&str>, presented: Option<&str>) -> bool {
        match (cookie, presented) {
            (Some(cookie), Some(presented)) => {
                equal_in_constant_time(cookie, presented) && self.is_signed(cookie)
            }
            _ => false,
        }
    }
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
    async fn a_session_has_a_token_only_once_given_one_and_keeps_it() {
        let s = session();
        assert_eq!(token(&s).await.unwrap(), None, "reading starts nothing");
        assert!(s.is_empty().await);
        renew(&s).await.unwrap();
        let first = token(&s).await.unwrap().unwrap();
        assert_eq!(first.len(), 43, "32 random bytes, base64url");
        assert_eq!(token(&s).await.unwrap(), Some(first.clone()));
        assert!(matches(&s, Some(&first)).await.unwrap());
    }

    #[test]
    fn anonymous_tokens_need_the_cookie_and_the_key() {
        let tokens = AnonymousTokens::new([7; 32]);
        let other_key = AnonymousTokens::new([8; 32]);
        let t = tokens.mint();
        assert!(tokens.is_signed(&t));
        assert!(tokens.matches(Some(&t), Some(&t)));
        assert!(
            !other_key.matches(Some(&t), Some(&t)),
            "another installation's key"
        );
        let u = tokens.mint();
        assert_ne!(t, u);
        assert!(
            !tokens.matches(Some(&t), Some(&u)),
            "a different, also signed, value"
        );
        assert!(!tokens.matches(None, Some(&t)), "no cookie");
        assert!(!tokens.matches(Some(&t), None), "nothing presented");
        let (nonce, _) = t.split_once('.').unwrap();
        let forged = format!("{nonce}.AAAA");
        assert!(
            !tokens.matches(Some(&forged), Some(&forged)),
            "unsigned pair"
        );
        assert!(!tokens.matches(Some("x"), Some("x")));
        assert!(format!("{tokens:?}").contains("redacted"));
    }

    #[tokio::test]
    async fn missing_wrong_or_renewed_tokens_do_not_match() {
        let s = session();
        assert!(
            !matches(&s, Some("anything")).await.unwrap(),
            "no token yet"
        );
        renew(&s).await.unwrap();
        let old = token(&s).await.unwrap().unwrap();
        assert!(!matches(&s, None).await.unwrap());
        assert!(!matches(&s, Some("")).await.unwrap());
        assert!(!matches(&s, Some(&old[..42])).await.unwrap());
        renew(&s).await.unwrap();
        assert!(!matches(&s, Some(&old)).await.unwrap());
        let new = token(&s).await.unwrap().unwrap();
        assert_ne!(new, old);
        assert!(matches(&s, Some(&new)).await.unwrap());
    }
}
