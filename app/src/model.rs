//! Types that travel between server and browser. Response shapes only: request inputs are
//! validated on the server into their own types (see `server::workspaces::WorkspaceName`).

use serde::{Deserialize, Serialize};

/// Ids are newtypes so a user id can never be passed where a workspace id is expected. Only
/// the server mints them (from the database or a fresh UUIDv7); the browser only echoes them.
macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            pub fn as_str(&self) -> &str {
                &self.0
            }

            #[cfg(feature = "ssr")]
            pub(crate) fn fresh() -> Self {
                Self(uuid::Uuid::now_v7().to_string())
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

id_type!(
    /// A workspace: the tenant boundary.
    WorkspaceId
);
#[cfg(feature = "ssr")]
impl WorkspaceId {
    pub(crate) fn from_db(raw: String) -> Self {
        Self(raw)
    }
}

id_type!(
    /// A person's account, shared by all the workspaces they belong to.
    UserId
);

#[cfg(feature = "ssr")]
impl UserId {
    pub(crate) fn from_db(raw: String) -> Self {
        Self(raw)
    }
}
id_type!(
    /// A role inside one workspace.
    RoleId
);

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkspaceSummary {
    pub id: WorkspaceId,
    pub name: String,
    pub slug: String,
    /// Milliseconds since the Unix epoch, UTC.
    pub created_at_ms: i64,
}

impl WorkspaceSummary {
    /// The creation day in UTC (`2026-11-23`). Rendered identically on server and browser,
    /// so hydration never sees a locale- or time-zone-dependent difference.
    pub fn created_on(&self) -> String {
        utc_date(self.created_at_ms)
    }
}

/// The answer to "could a workspace be called this?".
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NameCheck {
    /// The name as it would be stored (trimmed, whitespace collapsed).
    pub name: String,
    /// The address the workspace would get; differs from the plain slug when that is taken.
    pub slug: String,
    pub slug_was_taken: bool,
}

/// One of the signed-in person's sessions, as their sessions page shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionInfo {
    /// Names the session for revoking: a hash of its id, useless as a cookie.
    pub handle: String,
    /// Browser and system, read from the user agent: "Chrome 156 on Linux".
    pub device: String,
    pub ip: Option<String>,
    pub created_at_ms: i64,
    pub last_seen_at_ms: i64,
    /// The session this request came with.
    pub current: bool,
}

/// `2026-11-23 16:31 UTC`: the same text on server and browser, whatever their time zones.
pub fn utc_datetime(unix_ms: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(unix_ms) * 1_000_000)
        .map(|t| format!("{} {:02}:{:02} UTC", t.date(), t.hour(), t.minute()))
        .unwrap_or_default()
}

pub fn utc_date(unix_ms: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(unix_ms) * 1_000_000)
        .map(|t| t.date().to_string())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_render_in_utc() {
        assert_eq!(utc_date(0), "1970-01-01");
        // 2026-11-23T23:59:59.999Z stays on the 23rd whatever the machine's zone.
        assert_eq!(utc_date(1_795_478_399_999), "2026-11-23");
        assert_eq!(utc_date(1_795_478_400_000), "2026-11-24");
        assert_eq!(utc_datetime(1_795_478_399_999), "2026-11-23 23:59 UTC");
    }
}

/// The signed-in person and the workspace their session is in.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CurrentUser {
    pub id: UserId,
    pub name: String,
    pub email: String,
    pub email_verified: bool,
    pub workspace: WorkspaceSummary,
    /// Every workspace they are an active member of, for the switcher.
    pub workspaces: Vec<WorkspaceSummary>,
}
