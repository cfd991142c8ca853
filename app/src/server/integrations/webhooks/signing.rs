//! Signatures to the Standard Webhooks specification: the signed content is
//! `{webhook-id}.{webhook-timestamp}.{body}`, the signature HMAC-SHA-256 under the endpoint's
//! secret, sent as `v1,<base64>`; several signatures (during a rotation's overlap) are
//! separated by spaces. Secrets are `whsec_` and the key bytes in base64, the form the
//! specification's libraries take.

use base64::Engine as _;
use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::server::platform::error::DomainError;

const PREFIX: &str = "whsec_";
/// Bytes of a new secret: the specification asks for 24 to 64.
const SECRET_BYTES: usize = 32;

/// An endpoint's signing key.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(Vec<u8>);

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(…)")
    }
}

impl Secret {
    /// A new random secret.
    pub fn mint() -> Self {
        let mut bytes = vec![0u8; SECRET_BYTES];
        rand::Rng::fill(&mut rand::rng(), &mut bytes[..]);
        Self(bytes)
    }

    /// A secret from its `whsec_…` form.
    pub fn parse(text: &str) -> Result<Self, DomainError> {
        let encoded = text.strip_prefix(PREFIX).unwrap_or(text);
        base64::engine::general_purpose::STANDARD
            .decode(encoded)
            .ok()
            .filter(|b| (24..=64).contains(&b.len()))
            .map(Self)
            .ok_or_else(|| DomainError::Internal("a webhook secret is not well formed".into()))
    }

    /// The `whsec_…` form given to the receiver.
    pub fn reveal(&self) -> String {
        format!(
            "{PREFIX}{}",
            base64::engine::general_purpose::STANDARD.encode(&self.0)
        )
    }

    /// The raw key bytes, for sealing.
    pub(super) fn bytes(&self) -> &[u8] {
        &self.0
    }

    /// The `v1,…` signature of one message.
    pub fn sign(&self, message_id: &str, timestamp_s: i64, body: &str) -> String {
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.0).expect("HMAC takes any key length");
        mac.update(format!("{message_id}.{timestamp_s}.").as_bytes());
        mac.update(body.as_bytes());
        let digest = mac.finalize().into_bytes();
        format!(
            "v1,{}",
            base64::engine::general_purpose::STANDARD.encode(digest)
        )
    }
}

/// The `webhook-signature` header: one signature per secret in force.
pub fn header(secrets: &[Secret], message_id: &str, timestamp_s: i64, body: &str) -> String {
    secrets
        .iter()
        .map(|s| s.sign(message_id, timestamp_s, body))
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The example the specification publishes (standard-webhooks, `spec/standard-webhooks.md`).
    #[test]
    fn the_specifications_example_signature_is_reproduced() {
        let secret = Secret::parse("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").unwrap();
        let signature = secret.sign(
            "msg_p5jXN8AQM9LWM0D4loKWxJek",
            1_614_265_330,
            r#"{"test": 2432232314}"#,
        );
        assert_eq!(signature, "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
    }

    #[test]
    fn a_secret_survives_its_own_form_and_signs_per_secret() {
        let (a, b) = (Secret::mint(), Secret::mint());
        assert!(a.reveal().starts_with("whsec_"));
        assert_eq!(Secret::parse(&a.reveal()).unwrap(), a);
        assert_ne!(a, b);
        let both = header(&[a.clone(), b], "msg_1", 1, "{}");
        assert_eq!(both.split(' ').count(), 2);
        assert!(both.starts_with(&a.sign("msg_1", 1, "{}")));
        assert!(Secret::parse("whsec_c2hvcnQ=").is_err(), "too short a key");
    }
}
