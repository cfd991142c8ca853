//! A role as the role editor sends it, parsed and checked field by field, and the difference
//! saving it would make.

use crate::permissions::{Permission, PermissionSet, Resource, Scope};
use crate::server::access::grants::{Restrictions, RoleContents};
use crate::server::platform::error::DomainError;
use crate::server::platform::text::LineField;

/// A role as the editor sends it.
#[derive(Debug, Clone, Default)]
pub struct RoleDraft {
    pub name: String,
    pub description: String,
    /// Permission keys, e.g. `customers.export`.
    pub permissions: Vec<String>,
    /// (resource, scope) keys, e.g. (`customers`, `team`).
    pub scopes: Vec<(String, String)>,
    pub allow_export: bool,
    pub allow_bulk: bool,
    /// Empty: no cap.
    pub max_records: String,
    /// Empty: no parent.
    pub parent_role_id: String,
}

/// What saving a draft changes: keys it grants and revokes (inherited ones included), and how
/// many people hold the role (directly or through a role inheriting from it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoleDiff {
    pub grants: Vec<Permission>,
    pub revokes: Vec<Permission>,
    pub affected_users: usize,
}

impl RoleDiff {
    /// "grants customers.export, revokes orders.refund — affects 14 users".
    pub fn describe(&self) -> String {
        let keys = |ps: &[Permission]| ps.iter().map(|p| p.key()).collect::<Vec<_>>().join(", ");
        let mut parts = Vec::new();
        if !self.grants.is_empty() {
            parts.push(format!("grants {}", keys(&self.grants)));
        }
        if !self.revokes.is_empty() {
            parts.push(format!("revokes {}", keys(&self.revokes)));
        }
        if parts.is_empty() {
            parts.push("changes no permission".into());
        }
        let people = match self.affected_users {
            1 => "1 user".to_owned(),
            n => format!("{n} users"),
        };
        format!("{} — affects {people}", parts.join(", "))
    }
}

pub(super) struct Parsed {
    pub name: String,
    pub description: String,
    pub contents: RoleContents,
}

pub(super) fn parse(draft: &RoleDraft) -> Result<Parsed, DomainError> {
    let name = LineField {
        field: "name",
        subject: "The role name",
        empty_message: "Name the role.",
        max_chars: 60,
    }
    .clean(&draft.name)?;
    let description = LineField {
        field: "description",
        subject: "The description",
        empty_message: "",
        max_chars: 300,
    }
    .clean_optional(&draft.description)?
    .unwrap_or_default();
    let mut permissions = PermissionSet::default();
    for key in &draft.permissions {
        permissions.insert(Permission::from_key(key.trim()).ok_or_else(|| {
            DomainError::invalid("permissions", format!("Unknown permission {key:?}."))
        })?);
    }
    let mut scopes = Vec::new();
    for (resource, scope) in &draft.scopes {
        let r = Resource::from_key(resource).ok_or_else(|| {
            DomainError::invalid("scopes", format!("Unknown resource {resource:?}."))
        })?;
        let s = Scope::from_key(scope)
            .ok_or_else(|| DomainError::invalid("scopes", format!("Unknown scope {scope:?}.")))?;
        scopes.push((r, s));
    }
    let max_records = match draft.max_records.trim() {
        "" => None,
        raw => Some(
            raw.parse::<u32>()
                .ok()
                .filter(|n| (1..=1_000_000).contains(n))
                .ok_or_else(|| {
                    DomainError::invalid(
                        "max_records",
                        "Enter a whole number from 1 to 1000000, or leave it empty.",
                    )
                })?,
        ),
    };
    let parent = Some(draft.parent_role_id.trim().to_owned()).filter(|p| !p.is_empty());
    Ok(Parsed {
        name,
        description,
        contents: RoleContents {
            parent,
            owner: false,
            permissions,
            scopes,
            restrictions: Restrictions {
                allow_export: draft.allow_export,
                allow_bulk: draft.allow_bulk,
                max_records,
            },
        },
    })
}
