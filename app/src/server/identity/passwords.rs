//! Password hashing: argon2id in PHC strings, computed off the async executor, with a bound on
//! how many hashes run at once so a burst of sign-ins cannot take every core and all memory.

use std::sync::Arc;

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::SaltString;
use argon2::{
    Algorithm, Argon2, Params, PasswordHash, PasswordHasher as _, PasswordVerifier as _, Version,
};
use tokio::sync::Semaphore;

use crate::server::platform::error::DomainError;

/// OWASP's minimum for argon2id: 19 MiB of memory, 2 passes, 1 lane.
pub const MEMORY_KIB: u32 = 19_456;
pub const ITERATIONS: u32 = 2;
pub const PARALLELISM: u32 = 1;

/// A password as typed. Never logged, never serialized: `Debug` prints a placeholder.
#[derive(Clone)]
pub struct Password(String);

impl Password {
    pub fn new(raw: impl Into<String>) -> Self {
        Self(raw.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Password {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Password(…)")
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verified {
    No,
    /// Correct. `rehash` says the stored hash uses older parameters and should be replaced
    /// now that the plain password is at hand.
    Yes {
        rehash: bool,
    },
}

#[derive(Clone, Debug)]
pub struct Hasher {
    params: Params,
    permits: Arc<Semaphore>,
}

impl Hasher {
    /// OWASP parameters; at most `max_concurrent` hashes at a time (each holds 19 MiB).
    pub fn new(max_concurrent: usize) -> Self {
        let params = Params::new(MEMORY_KIB, ITERATIONS, PARALLELISM, None)
            .expect("the OWASP argon2 parameters are valid");
        Self::with_params(params, max_concurrent)
    }

    pub fn with_params(params: Params, max_concurrent: usize) -> Self {
        Self {
            params,
            permits: Arc::new(Semaphore::new(max_concurrent.max(1))),
        }
    }

    fn argon2(params: Params) -> Argon2<'static> {
        Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
    }

    /// Runs `work` on the blocking pool once a permit is free.
    async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, DomainError> {
        let _permit = self
            .permits
            .acquire()
            .await
            .map_err(|_| DomainError::Internal("password hasher closed".into()))?;
        tokio::task::spawn_blocking(work)
            .await
            .map_err(|e| DomainError::Internal(format!("password hashing task failed: {e}")))
    }

    pub async fn hash(&self, password: &Password) -> Result<String, DomainError> {
        let (params, password) = (self.params.clone(), password.clone());
        self.run(move || {
            let salt = SaltString::generate(&mut OsRng);
            Self::argon2(params)
                .hash_password(password.expose().as_bytes(), &salt)
                .map(|h| h.to_string())
        })
        .await?
        .map_err(|e| DomainError::Internal(format!("argon2 hash: {e}")))
    }

    pub async fn verify(&self, password: &Password, stored: &str) -> Result<Verified, DomainError> {
        let (params, password, stored) = (self.params.clone(), password.clone(), stored.to_owned());
        self.run(move || {
            let parsed = PasswordHash::new(&stored)
                .map_err(|e| DomainError::Internal(format!("stored hash unreadable: {e}")))?;
            let ok = Self::argon2(params.clone())
                .verify_password(password.expose().as_bytes(), &parsed)
                .is_ok();
            Ok(if ok {
                Verified::Yes {
                    rehash: !uses_params(&parsed, &params),
                }
            } else {
                Verified::No
            })
        })
        .await?
    }

    /// Spends the same work as a verification without an account to check against, so an
    /// unknown address answers in the same time as a wrong password.
    pub async fn verify_nothing(&self, password: &Password) -> Result<(), DomainError> {
        self.hash(password).await.map(drop)
    }
}

fn uses_params(hash: &PasswordHash<'_>, params: &Params) -> bool {
    hash.algorithm == Algorithm::Argon2id.ident()
        && hash.version == Some(Version::V0x13.into())
        && Params::try_from(hash).is_ok_and(|p| {
            p.m_cost() == params.m_cost()
                && p.t_cost() == params.t_cost()
                && p.p_cost() == params.p_cost()
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cheap(m: u32, t: u32) -> Hasher {
        Hasher::with_params(Params::new(m, t, 1, None).unwrap(), 2)
    }

    #[tokio::test]
    async fn hashes_are_argon2id_phc_strings_with_owasp_parameters() {
        let hasher = Hasher::new(1);
        let hash = hasher
            .hash(&Password::new("correct horse battery staple"))
            .await
            .unwrap();
        assert!(
            hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
            "{hash}"
        );
        let again = hasher
            .hash(&Password::new("correct horse battery staple"))
            .await
            .unwrap();
        assert_ne!(hash, again, "salts must differ");
    }

    #[tokio::test]
    async fn verify_accepts_the_password_and_nothing_else() {
        let hasher = cheap(1024, 1);
        let pw = Password::new("ünïcødé pass phrase 🙂");
        let hash = hasher.hash(&pw).await.unwrap();
        assert_eq!(
            hasher.verify(&pw, &hash).await.unwrap(),
            Verified::Yes { rehash: false }
        );
        for wrong in ["ünïcødé pass phrase", "ünïcødé pass phrase 🙂 ", ""] {
            assert_eq!(
                hasher.verify(&Password::new(wrong), &hash).await.unwrap(),
                Verified::No
            );
        }
    }

    #[tokio::test]
    async fn long_passwords_are_never_truncated() {
        let hasher = cheap(1024, 1);
        let long = "a".repeat(200);
        let hash = hasher.hash(&Password::new(long.clone())).await.unwrap();
        let almost = format!("{}b", &long[..199]);
        assert_eq!(
            hasher.verify(&Password::new(almost), &hash).await.unwrap(),
            Verified::No
        );
    }

    #[tokio::test]
    async fn hashes_with_old_parameters_ask_to_be_replaced() {
        let old = cheap(1024, 1).hash(&Password::new("pw")).await.unwrap();
        let verified = cheap(2048, 1)
            .verify(&Password::new("pw"), &old)
            .await
            .unwrap();
        assert_eq!(verified, Verified::Yes { rehash: true });
    }

    #[tokio::test]
    async fn a_corrupt_stored_hash_is_an_internal_error_not_a_match() {
        let err = cheap(1024, 1)
            .verify(&Password::new("pw"), "not-a-hash")
            .await
            .unwrap_err();
        assert!(matches!(err, DomainError::Internal(_)));
    }

    #[test]
    fn debug_never_shows_the_password() {
        assert_eq!(format!("{:?}", Password::new("hunter2")), "Password(…)");
    }
}
