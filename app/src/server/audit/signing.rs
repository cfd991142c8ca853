//! The key that signs audit checkpoints (Ed25519), and the exact bytes it signs. The private
//! half stays with the server; the public half is all anyone needs to check a checkpoint, on
//! this server or offline against an exported trail.

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use ed25519_dalek::{Signature, Signer, SigningKey, Verifier, VerifyingKey};

use crate::server::platform::digest::sha256_hex;

/// A signing key that is not 32 bytes of base64.
#[derive(Debug, thiserror::Error)]
#[error("not an Ed25519 key: 32 bytes in base64 (a new signing key: `openssl rand -base64 32`)")]
pub struct BadKey;

/// The private signing key. Its `Debug` names only the public key's id.
#[derive(Clone)]
pub struct AuditKey(SigningKey);

/// 32 bytes from base64, the shape of both halves of a key.
fn key_bytes(text: &str) -> Result<[u8; 32], BadKey> {
    STANDARD
        .decode(text.trim())
        .map_err(|_| BadKey)?
        .try_into()
        .map_err(|_| BadKey)
}

impl AuditKey {
    pub fn from_base64(text: &str) -> Result<Self, BadKey> {
        Ok(Self(SigningKey::from_bytes(&key_bytes(text)?)))
    }

    pub fn generate() -> Self {
        let seed: [u8; 32] = rand::random();
        Self(SigningKey::from_bytes(&seed))
    }

    /// The private key as base64, to be kept where only the server reads it.
    pub fn to_base64(&self) -> String {
        STANDARD.encode(self.0.to_bytes())
    }

    pub fn public(&self) -> PublicKey {
        PublicKey(self.0.verifying_key())
    }

    /// The signature of `message`, in base64.
    pub fn sign(&self, message: &[u8]) -> String {
        STANDARD.encode(self.0.sign(message).to_bytes())
    }
}

impl std::fmt::Debug for AuditKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "AuditKey({})", self.public().id())
    }
}

/// The public half: checks signatures, and names itself by [`PublicKey::id`].
#[derive(Clone, PartialEq, Eq)]
pub struct PublicKey(VerifyingKey);

impl PublicKey {
    pub fn from_base64(text: &str) -> Result<Self, BadKey> {
        VerifyingKey::from_bytes(&key_bytes(text)?)
            .map(Self)
            .map_err(|_| BadKey)
    }

    pub fn to_base64(&self) -> String {
        STANDARD.encode(self.0.to_bytes())
    }

    /// The first 16 hex digits of the key's SHA-256: stored with each checkpoint, so a
    /// checkpoint signed by another key is told apart without trying it.
    pub fn id(&self) -> String {
        sha256_hex(self.0.as_bytes())[..16].to_owned()
    }

    /// Whether `signature` (base64) is this key's signature of `message`. Strict: a signature
    /// that is malleable or made with a weak key does not hold.
    pub fn verifies(&self, message: &[u8], signature: &str) -> bool {
        let Ok(bytes) = STANDARD.decode(signature) else {
            return false;
        };
        let Ok(signature) = Signature::from_slice(&bytes) else {
            return false;
        };
        self.0.verify_strict(message, &signature).is_ok()
            && self.0.verify(message, &signature).is_ok()
    }
}

impl std::fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "PublicKey({})", self.id())
    }
}

/// The bytes a checkpoint's signature covers: a fixed first line, so a checkpoint's signature
/// can be taken for nothing else, then each field on its own line. Workspace ids and hashes
/// hold no line breaks, and the numbers are decimal.
pub fn checkpoint_message(workspace: &str, seq: i64, entry_hash: &str, signed_at: i64) -> Vec<u8> {
    format!(
        "gatehouse audit checkpoint v1\nworkspace {workspace}\nseq {seq}\nentry {entry_hash}\n\
         signed {signed_at}\n"
    )
    .into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 8032, section 7.1, test 1: the published key, message and signature.
    #[test]
    fn the_rfc_8032_test_vector_signs_and_verifies() {
        let hex = |s: &str| -> Vec<u8> {
            (0..s.len())
                .step_by(2)
                .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
                .collect()
        };
        let secret = hex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60");
        let public = hex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
        let signature = hex(
            "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b",
        );
        let key = AuditKey::from_base64(&STANDARD.encode(&secret)).unwrap();
        assert_eq!(key.public().to_base64(), STANDARD.encode(&public));
        assert_eq!(key.sign(b""), STANDARD.encode(&signature));
        let public = PublicKey::from_base64(&STANDARD.encode(&public)).unwrap();
        assert!(public.verifies(b"", &STANDARD.encode(&signature)));
        assert!(!public.verifies(b"x", &STANDARD.encode(&signature)));
    }

    #[test]
    fn a_signature_holds_only_for_its_message_and_key() {
        let key = AuditKey::generate();
        let message = checkpoint_message("w", 7, "ab", 1);
        let signature = key.sign(&message);
        assert!(key.public().verifies(&message, &signature));
        assert!(!key
            .public()
            .verifies(&checkpoint_message("w", 8, "ab", 1), &signature));
        assert!(!AuditKey::generate().public().verifies(&message, &signature));
        assert!(!key.public().verifies(&message, "not base64"));
        let again = AuditKey::from_base64(&key.to_base64()).unwrap();
        assert_eq!(again.public(), key.public());
        assert!(!format!("{key:?}").contains(&key.to_base64()));
    }

    #[test]
    fn a_key_of_the_wrong_shape_is_refused() {
        assert!(AuditKey::from_base64("c2hvcnQ=").is_err());
        assert!(AuditKey::from_base64("not base64!").is_err());
        assert!(PublicKey::from_base64("c2hvcnQ=").is_err());
    }
}
