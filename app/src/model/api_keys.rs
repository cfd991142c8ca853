//! Secret and public API keys, as the API keys page shows them.

use serde::{Deserialize, Serialize};

use super::RoleOption;

/// An API key, by the 16 characters after `sk_` (the public part of a secret key) or `pk_` (a
/// public key). Not an `id_type!`: the server mints it with the key, never as a UUID.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ApiKeyId(String);

impl ApiKeyId {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for ApiKeyId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(feature = "ssr")]
impl ApiKeyId {
    /// Characters of the id inside a key.
    pub const LEN: usize = 16;

    pub(crate) fn from_db(raw: String) -> Self {
        Self(raw)
    }

    /// An id sent by the browser, checked for shape only: look-ups with it are bound to the
    /// caller's workspace, where an unknown id is not found.
    pub fn from_client(raw: &str) -> Result<Self, crate::error::AppError> {
        if raw.len() == Self::LEN && raw.bytes().all(|b| b.is_ascii_alphanumeric()) {
            Ok(Self(raw.to_owned()))
        } else {
            Err(crate::error::AppError::NotFound)
        }
    }
}

/// One key in the list. The secret itself is never shown again after its creation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiKeySummary {
    pub id: ApiKeyId,
    pub name: String,
    pub role: String,
    pub created_by: Option<String>,
    pub created_at_ms: i64,
    pub expires_at_ms: Option<i64>,
    /// CIDRs; empty: from anywhere.
    pub allowed_networks: Vec<String>,
    pub last_used_at_ms: Option<i64>,
    pub last_used_ip: Option<String>,
    /// `active`, `expired` or `revoked`.
    pub status: String,
}

/// One public key in the list, with the whole key: it identifies the workspace to clients
/// and opens only the public endpoints, so it is no secret.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublicKeySummary {
    pub id: ApiKeyId,
    /// `pk_…`, as clients send it.
    pub key: String,
    pub name: String,
    pub created_by: Option<String>,
    pub created_at_ms: i64,
    pub expires_at_ms: Option<i64>,
    pub allowed_networks: Vec<String>,
    pub last_used_at_ms: Option<i64>,
    pub last_used_ip: Option<String>,
    /// `active`, `expired` or `revoked`.
    pub status: String,
}

/// The API keys page: the workspace's keys and the roles a new one may act under.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiKeysView {
    pub keys: Vec<ApiKeySummary>,
    pub public_keys: Vec<PublicKeySummary>,
    /// The roles the caller may give a key: none above their own access, never Owner.
    pub roles: Vec<RoleOption>,
}

/// A key just made: the only time its secret is shown.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreatedApiKey {
    pub key: ApiKeySummary,
    pub secret: String,
}
