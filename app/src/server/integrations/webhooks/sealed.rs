//! Endpoint secrets at rest: sealed with AES-256-GCM under an installation secret, so a copy
//! of the database alone cannot sign as Gatehouse. Sealed form: base64 of nonce | ciphertext.

use aes_gcm::aead::{Aead, KeyInit};
use aes_gcm::{Aes256Gcm, Nonce};
use base64::Engine as _;

use super::signing::Secret;
use crate::server::platform::error::DomainError;

const NONCE: usize = 12;

pub fn seal(key: &[u8; 32], secret: &Secret) -> String {
    let cipher = Aes256Gcm::new(key.into());
    let nonce: [u8; NONCE] = rand::random();
    let mut out = nonce.to_vec();
    out.extend(
        cipher
            .encrypt(Nonce::from_slice(&nonce), secret.bytes())
            .expect("sealing a short secret cannot fail"),
    );
    base64::engine::general_purpose::STANDARD.encode(out)
}

pub fn open(key: &[u8; 32], sealed: &str) -> Result<Secret, DomainError> {
    let broken = || DomainError::Internal("a webhook secret does not open".into());
    let raw = base64::engine::general_purpose::STANDARD
        .decode(sealed)
        .map_err(|_| broken())?;
    if raw.len() <= NONCE {
        return Err(broken());
    }
    let (nonce, body) = raw.split_at(NONCE);
    let bytes = Aes256Gcm::new(key.into())
        .decrypt(Nonce::from_slice(nonce), body)
        .map_err(|_| broken())?;
    let encoded = base64::engine::general_purpose::STANDARD.encode(bytes);
    Secret::parse(&encoded)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sealed_secret_opens_only_under_its_key() {
        let secret = Secret::mint();
        let sealed = seal(&[7; 32], &secret);
        assert_eq!(open(&[7; 32], &sealed).unwrap(), secret);
        assert!(open(&[8; 32], &sealed).is_err());
        assert!(!sealed.contains(&secret.reveal()[6..]));
    }
}
