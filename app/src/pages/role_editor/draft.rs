//! What the role editor starts from and works out without the server: the form's starting
//! values, the catalogue grouped by category, and what a parent role passes on.

use std::collections::{BTreeMap, HashMap};

use crate::model::RoleView;
use crate::permissions::{Permission, PermissionSet, Resource as RecordKind, Scope};

/// What the form starts from: a stored role (to edit or clone) or nothing.
#[derive(Clone)]
pub(super) struct Start {
    pub name: String,
    pub description: String,
    pub permissions: PermissionSet,
    pub scopes: BTreeMap<RecordKind, Scope>,
    pub allow_export: bool,
    pub allow_bulk: bool,
    pub max_records: String,
    pub parent: String,
}

impl Start {
    /// A new role holds nothing and reaches only records assigned to its holder.
    pub(super) fn blank() -> Self {
        Start {
            name: String::new(),
            description: String::new(),
            permissions: PermissionSet::default(),
            scopes: RecordKind::SCOPED
                .iter()
                .map(|r| (*r, Scope::Assigned))
                .collect(),
            allow_export: false,
            allow_bulk: false,
            max_records: String::new(),
            parent: String::new(),
        }
    }
}

impl From<&RoleView> for Start {
    fn from(r: &RoleView) -> Self {
        Start {
            name: r.name.clone(),
            description: r.description.clone(),
            permissions: r.permissions.iter().copied().collect(),
            scopes: r.scopes.iter().copied().collect(),
            allow_export: r.allow_export,
            allow_bulk: r.allow_bulk,
            max_records: r.max_records.map(|n| n.to_string()).unwrap_or_default(),
            parent: r
                .parent_role_id
                .as_ref()
                .map(|p| p.to_string())
                .unwrap_or_default(),
        }
    }
}

/// The catalogue's categories in catalogue order, each with its keys.
pub(super) fn categories() -> Vec<(&'static str, Vec<Permission>)> {
    let mut out: Vec<(&'static str, Vec<Permission>)> = Vec::new();
    for p in Permission::ALL {
        match out.iter_mut().find(|(c, _)| *c == p.category()) {
            Some((_, keys)) => keys.push(*p),
            None => out.push((p.category(), vec![*p])),
        }
    }
    out
}

/// The keys and widest scopes `parent` passes on, each with the nearest role it comes from.
pub(super) fn inherited(
    list: &[RoleView],
    parent: Option<&str>,
) -> (
    HashMap<Permission, String>,
    HashMap<RecordKind, (Scope, String)>,
) {
    let mut keys = HashMap::new();
    let mut scopes: HashMap<RecordKind, (Scope, String)> = HashMap::new();
    let mut next = parent.map(str::to_owned);
    let mut depth = 0;
    while let (Some(id), true) = (next.take(), depth < 16) {
        let Some(role) = list.iter().find(|r| r.id.as_str() == id) else {
            break;
        };
        for p in &role.permissions {
            keys.entry(*p).or_insert_with(|| role.name.clone());
        }
        for (resource, scope) in &role.scopes {
            let entry = scopes
                .entry(*resource)
                .or_insert((*scope, role.name.clone()));
            if *scope > entry.0 {
                *entry = (*scope, role.name.clone());
            }
        }
        next = role.parent_role_id.as_ref().map(|p| p.to_string());
        depth += 1;
    }
    (keys, scopes)
}

pub(super) fn scope_label(s: Scope) -> &'static str {
    match s {
        Scope::All => "All records",
        Scope::Department => "Their department",
        Scope::Team => "Their teams",
        Scope::Assigned => "Assigned to them",
    }
}

pub(super) fn capitalised(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
        .unwrap_or_default()
}
