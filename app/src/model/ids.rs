//! Ids as newtypes.

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

/// `from_db` and `from_client` for ids of records, which the browser names and the server
/// looks up within the caller's workspace.
#[cfg(feature = "ssr")]
macro_rules! client_ids {
    ($($name:ident),*) => {$(
        impl $name {
            pub(crate) fn from_db(raw: String) -> Self {
                Self(raw)
            }

            /// An id sent by the client, checked for shape only: look-ups with it are bound to
            /// the caller's workspace and reach, where an unknown id is not found.
            pub fn from_client(raw: &str) -> Result<Self, crate::error::AppError> {
                $crate::model::UserId::from_client(raw.to_owned()).map(|u| Self(u.as_str().to_owned()))
            }
        }
    )*};
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

    /// A user id sent by the browser, checked for shape only: every look-up with it is bound
    /// to the caller's workspace, where an unknown id is simply not found.
    pub fn from_client(raw: String) -> Result<Self, crate::error::AppError> {
        if raw.len() == 36 && raw.bytes().all(|b| b.is_ascii_hexdigit() || b == b'-') {
            Ok(Self(raw))
        } else {
            Err(crate::error::AppError::NotFound)
        }
    }
}
id_type!(
    /// A role inside one workspace.
    RoleId
);

id_type!(
    /// An invitation to join a workspace.
    InvitationId
);

#[cfg(feature = "ssr")]
impl RoleId {
    pub(crate) fn from_db(raw: String) -> Self {
        Self(raw)
    }

    /// A role id sent by the browser, checked for shape only (see [`UserId::from_client`]).
    pub fn from_client(raw: String) -> Result<Self, crate::error::AppError> {
        UserId::from_client(raw).map(|u| Self(u.0))
    }
}

#[cfg(feature = "ssr")]
impl InvitationId {
    pub(crate) fn from_db(raw: String) -> Self {
        Self(raw)
    }

    /// An invitation id sent by the browser, checked for shape only (see
    /// [`UserId::from_client`]).
    pub fn from_client(raw: &str) -> Result<Self, crate::error::AppError> {
        UserId::from_client(raw.to_owned()).map(|u| Self(u.0))
    }
}
