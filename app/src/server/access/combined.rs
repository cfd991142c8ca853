//! What a person may do in a workspace, as plain data: the roles they hold combined into keys,
//! scopes and restrictions. No storage here — `role_loading` reads roles, `grants` checks.

use std::collections::{BTreeMap, HashMap};

use crate::permissions::{PermissionSet, Resource, Scope, Scoping};

/// What a role lets its holders do besides permission keys. With several roles, the most
/// permissive value of each wins (permissions add up, so restrictions give way).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Restrictions {
    pub allow_export: bool,
    pub allow_bulk: bool,
    /// `None`: lists are not capped.
    pub max_records: Option<u32>,
}

impl Restrictions {
    fn widen(self, other: Restrictions) -> Restrictions {
        Restrictions {
            allow_export: self.allow_export || other.allow_export,
            allow_bulk: self.allow_bulk || other.allow_bulk,
            max_records: match (self.max_records, other.max_records) {
                (Some(a), Some(b)) => Some(a.max(b)),
                _ => None,
            },
        }
    }
}

/// Everything a person may do in a workspace: the union of their unexpired roles (and those
/// roles' parents). Per resource the widest scope wins.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Access {
    pub permissions: PermissionSet,
    pub scopes: BTreeMap<Resource, Scope>,
    pub restrictions: Restrictions,
}

impl Access {
    /// The Owner's access: every key, every record.
    pub fn everything() -> Self {
        Access {
            permissions: PermissionSet::all(),
            scopes: Resource::SCOPED.iter().map(|r| (*r, Scope::All)).collect(),
            restrictions: Restrictions {
                allow_export: true,
                allow_bulk: true,
                max_records: None,
            },
        }
    }

    /// The scope for `resource`; a role that says nothing about it reaches only assigned
    /// records (least privilege). A catalogue is open to every holder of its key; a resource
    /// reached through another has that one's scope.
    pub fn scope(&self, resource: Resource) -> Scope {
        match resource.scoping() {
            Scoping::Catalogue => Scope::All,
            Scoping::Through(parent) => self.scope(parent),
            Scoping::Own => self
                .scopes
                .get(&resource)
                .copied()
                .unwrap_or(Scope::Assigned),
        }
    }
}

impl Access {
    /// What both allow: the keys in both, per resource the narrower scope, each restriction
    /// as the stricter says. An API key's role is narrowed to its creator's access this way.
    pub fn narrowed_to(&self, other: &Access) -> Access {
        let scopes = Resource::SCOPED
            .iter()
            .map(|r| (*r, self.scope(*r).min(other.scope(*r))))
            .collect();
        let (a, b) = (self.restrictions, other.restrictions);
        Access {
            permissions: self.permissions.intersection(other.permissions),
            scopes,
            restrictions: Restrictions {
                allow_export: a.allow_export && b.allow_export,
                allow_bulk: a.allow_bulk && b.allow_bulk,
                max_records: match (a.max_records, b.max_records) {
                    (Some(x), Some(y)) => Some(x.min(y)),
                    (one, None) | (None, one) => one,
                },
            },
        }
    }
}

/// One role's stored contents, as `combine` needs them.
#[derive(Clone, Debug, Default)]
pub struct RoleContents {
    pub parent: Option<String>,
    pub owner: bool,
    pub permissions: PermissionSet,
    pub scopes: Vec<(Resource, Scope)>,
    pub restrictions: Restrictions,
}

/// Parent chains longer than this are cut (the editor refuses cycles; this is the backstop).
pub(crate) const MAX_PARENT_DEPTH: usize = 16;

/// The access `held` roles give, looking roles (and their parents) up in `roles`. Plain data
/// in, plain data out: the permission-check benchmark measures this.
pub fn combine(held: &[&str], roles: &HashMap<String, RoleContents>) -> Access {
    let mut access = Access::default();
    let mut restrictions: Option<Restrictions> = None;
    for id in held {
        let Some(role) = roles.get(*id) else { continue };
        if role.owner {
            return Access::everything();
        }
        restrictions = Some(match restrictions {
            Some(r) => r.widen(role.restrictions),
            None => role.restrictions,
        });
        let mut next = Some(*id);
        let mut depth = 0;
        while let (Some(id), true) = (next, depth < MAX_PARENT_DEPTH) {
            let Some(role) = roles.get(id) else { break };
            if role.owner {
                return Access::everything();
            }
            access.permissions = access.permissions.union(role.permissions);
            for (resource, scope) in &role.scopes {
                let entry = access.scopes.entry(*resource).or_insert(*scope);
                *entry = (*entry).max(*scope);
            }
            next = role.parent.as_deref();
            depth += 1;
        }
    }
    access.restrictions = restrictions.unwrap_or_default();
    access
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::permissions::Permission;

    fn role(parent: Option<&str>, permissions: &[Permission], scope: Scope) -> RoleContents {
        RoleContents {
            parent: parent.map(str::to_owned),
            owner: false,
            permissions: permissions.iter().copied().collect(),
            scopes: vec![(Resource::Customers, scope)],
            restrictions: Restrictions::default(),
        }
    }

    #[test]
    fn narrowing_keeps_what_both_allow_and_the_stricter_of_each_rule() {
        use Permission::*;
        let mut roles = HashMap::new();
        let mut wide = role(None, &[CustomersRead, CustomersWrite], Scope::All);
        wide.restrictions = Restrictions {
            allow_export: true,
            allow_bulk: true,
            max_records: None,
        };
        let mut narrow = role(None, &[CustomersRead, OrdersRead], Scope::Team);
        narrow.restrictions.max_records = Some(500);
        roles.insert("wide".into(), wide);
        roles.insert("narrow".into(), narrow);
        let (w, n) = (combine(&["wide"], &roles), combine(&["narrow"], &roles));
        let both = w.narrowed_to(&n);
        assert_eq!(both, n.narrowed_to(&w), "the order does not matter");
        assert!(both.permissions.contains(CustomersRead));
        assert!(!both.permissions.contains(CustomersWrite));
        assert!(!both.permissions.contains(OrdersRead));
        assert_eq!(both.scope(Resource::Customers), Scope::Team);
        assert_eq!(
            both.scope(Resource::Orders),
            Scope::Assigned,
            "unset is the least"
        );
        assert!(!both.restrictions.allow_export && !both.restrictions.allow_bulk);
        assert_eq!(both.restrictions.max_records, Some(500));
        assert_eq!(Access::everything().narrowed_to(&w), w.narrowed_to(&w));
    }

    #[test]
    fn roles_add_up_parents_are_inherited_and_the_widest_scope_wins() {
        use Permission::*;
        let mut roles = HashMap::new();
        roles.insert("base".into(), role(None, &[CustomersRead], Scope::Team));
        roles.insert(
            "child".into(),
            role(Some("base"), &[CustomersWrite], Scope::Assigned),
        );
        roles.insert("other".into(), role(None, &[OrdersRead], Scope::Assigned));
        roles.insert(
            "owner".into(),
            RoleContents {
                owner: true,
                ..RoleContents::default()
            },
        );
        let a = combine(&["child"], &roles);
        assert!(a.permissions.contains(CustomersRead), "inherited");
        assert!(a.permissions.contains(CustomersWrite));
        assert_eq!(
            a.scope(Resource::Customers),
            Scope::Team,
            "parent's wider scope"
        );
        assert_eq!(
            a.scope(Resource::Orders),
            Scope::Assigned,
            "unset: least privilege"
        );
        let both = combine(&["child", "other"], &roles);
        assert!(both.permissions.contains(OrdersRead));
        assert_eq!(combine(&["owner"], &roles), Access::everything());
        assert_eq!(combine(&[], &roles), Access::default());
        assert_eq!(combine(&["missing"], &roles), Access::default());

        // A cycle (the editor refuses them) ends instead of looping.
        roles.insert("a".into(), role(Some("b"), &[TicketsRead], Scope::Assigned));
        roles.insert("b".into(), role(Some("a"), &[QuotesRead], Scope::Assigned));
        let cyclic = combine(&["a"], &roles);
        assert!(cyclic.permissions.contains(QuotesRead));
    }

    #[test]
    fn the_most_permissive_restriction_wins() {
        let tight = Restrictions {
            allow_export: false,
            allow_bulk: true,
            max_records: Some(100),
        };
        let loose = Restrictions {
            allow_export: true,
            allow_bulk: false,
            max_records: Some(500),
        };
        assert_eq!(
            tight.widen(loose),
            Restrictions {
                allow_export: true,
                allow_bulk: true,
                max_records: Some(500)
            }
        );
        let unlimited = Restrictions::default();
        assert_eq!(tight.widen(unlimited).max_records, None);
    }
}
