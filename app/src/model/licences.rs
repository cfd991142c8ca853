//! Licences as they travel to the browser.

use serde::{Deserialize, Serialize};

use super::{CustomerId, ProductId, TeamId, UserId};

id_type!(
    /// A licence.
    LicenceId
);
#[cfg(feature = "ssr")]
client_ids!(LicenceId);

/// Where a licence stands on the workspace's calendar day. Only `Suspended` is stored; the
/// others are read from the licence's dates.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LicenceStatus {
    /// Its first day is still to come.
    Scheduled,
    Active,
    Suspended,
    /// Its last day has passed.
    Expired,
}

impl LicenceStatus {
    pub const ALL: [LicenceStatus; 4] = [
        Self::Scheduled,
        Self::Active,
        Self::Suspended,
        Self::Expired,
    ];

    pub fn key(self) -> &'static str {
        match self {
            Self::Scheduled => "scheduled",
            Self::Active => "active",
            Self::Suspended => "suspended",
            Self::Expired => "expired",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Scheduled => "Scheduled",
            Self::Active => "Active",
            Self::Suspended => "Suspended",
            Self::Expired => "Expired",
        }
    }

    pub fn from_key(key: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.key() == key)
    }
}

/// A licence as the caller may see it: its key is masked for those without `licences.write`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Licence {
    pub id: LicenceId,
    /// "L-42".
    pub reference: String,
    pub product_id: ProductId,
    pub product: String,
    pub customer_id: CustomerId,
    pub customer: String,
    pub seats: i64,
    /// The first and last day of use, YYYY-MM-DD.
    pub valid_from: String,
    pub valid_until: String,
    pub status: LicenceStatus,
    /// The key, or its last group behind bullets when masked.
    pub licence_key: String,
    pub key_masked: bool,
    /// Why it was suspended, while it is.
    pub suspended_reason: String,
    pub notes: String,
    pub assigned_user_id: UserId,
    pub assigned_to: Option<String>,
    pub team_id: Option<TeamId>,
    pub team: Option<String>,
    pub version: i64,
    pub updated_at_ms: i64,
}

/// One page of a licence list, and where the next one starts.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LicencePage {
    pub items: Vec<Licence>,
    /// Pass back as `after` for the next page; `None` on the last page.
    pub next: Option<String>,
    /// The people and teams the list can be narrowed to.
    pub choices: super::FilterChoices,
}

/// A licence and what the caller may do with it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LicenceDetail {
    pub licence: Licence,
    /// Holds `licences.write`: may edit, renew, suspend and reinstate.
    pub can_write: bool,
}
