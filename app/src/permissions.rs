//! The permission catalogue: every key a role can hold, in one place, used by the server's
//! checks and by the UI to decide what to show.
//!
//! Adding a key is one line in `catalogue!` below. The authorization work fills in the other
//! areas (customers, orders, payments, …); today's keys are the administration ones that team
//! management and security settings need.

use serde::{Deserialize, Serialize};

macro_rules! catalogue {
    ($( $variant:ident = $key:literal, $category:literal, $label:literal, $sensitive:literal, $description:literal; )*) => {
        /// A permission key.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        pub enum Permission {
            $( #[serde(rename = $key)] $variant, )*
        }

        impl Permission {
            pub const ALL: &'static [Permission] = &[$(Permission::$variant,)*];

            /// The stable id, e.g. `team.write`.
            pub fn key(self) -> &'static str {
                match self { $(Permission::$variant => $key,)* }
            }

            pub fn category(self) -> &'static str {
                match self { $(Permission::$variant => $category,)* }
            }

            pub fn label(self) -> &'static str {
                match self { $(Permission::$variant => $label,)* }
            }

            pub fn description(self) -> &'static str {
                match self { $(Permission::$variant => $description,)* }
            }

            /// Sensitive permissions expose money, personal data or control over access.
            pub fn is_sensitive(self) -> bool {
                match self { $(Permission::$variant => $sensitive,)* }
            }

            /// Administrative permissions change who can do what, or see who did: the
            /// sensitive keys of the Administration category. A workspace can require a second
            /// factor of everyone holding one.
            pub fn is_administrative(self) -> bool {
                self.category() == "Administration" && self.is_sensitive()
            }

            pub fn from_key(key: &str) -> Option<Self> {
                match key { $($key => Some(Permission::$variant),)* _ => None }
            }
        }
    };
}

catalogue! {
    TeamRead = "team.read", "Administration", "View the team", false,
        "See the workspace's members, their roles and pending invitations.";
    TeamWrite = "team.write", "Administration", "Manage the team", true,
        "Invite people, deactivate and reactivate members, and end their sessions.";
    RolesRead = "roles.read", "Administration", "View roles", false,
        "See roles and the permissions they grant.";
    RolesWrite = "roles.write", "Administration", "Manage roles", true,
        "Create, edit and delete roles.";
    SettingsWrite = "settings.write", "Administration", "Change security settings", true,
        "Edit the workspace's password policy and session limits.";
    BillingManage = "billing.manage", "Administration", "Manage billing", true,
        "Change the subscription and payment details.";
    AuditRead = "audit.read", "Administration", "Read the audit trail", true,
        "See who did what in the workspace.";
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_unique_dotted_and_round_trip() {
        let mut seen = std::collections::HashSet::new();
        for p in Permission::ALL {
            assert!(seen.insert(p.key()), "duplicate key {}", p.key());
            let (area, action) = p.key().split_once('.').expect("area.action");
            assert!(!area.is_empty() && !action.is_empty());
            assert_eq!(Permission::from_key(p.key()), Some(*p));
            assert_eq!(
                serde_json::to_string(p).unwrap(),
                format!("\"{}\"", p.key())
            );
            assert!(!p.label().is_empty() && p.description().ends_with('.'));
        }
        assert_eq!(Permission::from_key("team.everything"), None);
    }
}
