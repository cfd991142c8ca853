//! Explaining access: which roles (and parent roles, and assignments with their expiry) give a
//! person each key and scope, and why a given check would pass or fail — for admins asking
//! "why can (or can't) Grace export customers?".

use sqlx::Row;

use crate::model::{Explanation, MemberRole, RoleId, UserId, Verdict};
use crate::permissions::{keys, Key};
use crate::permissions::{Permission, Resource};
use crate::server::access::grants::{self, Grant};
use crate::server::access::role_loading;
use crate::server::platform::clock::Clock;
use crate::server::platform::db::Db;
use crate::server::platform::error::DomainError;
use crate::server::records::kinds;
use crate::server::records::{self, scope::HeldFor};

/// One held role, and the chain of roles it passes keys through.
struct Held {
    label: String,
    /// The last day the assignment counts, in the workspace's time zone.
    until: Option<String>,
    /// The role and its ancestors, nearest first, with their names.
    chain: Vec<(String, String)>,
}

async fn held<K: Key>(
    db: &Db,
    clock: &Clock,
    grant: &Grant<K>,
    user: &str,
) -> Result<(String, Vec<Held>), DomainError> {
    let name: String = sqlx::query(
        "SELECT u.display_name FROM memberships m JOIN users u ON u.id = m.user_id \
         WHERE m.workspace_id = $1 AND m.user_id = $2",
    )
    .bind(grant.workspace().as_str())
    .bind(user)
    .fetch_optional(db.pool())
    .await?
    .ok_or(DomainError::NotFound)?
    .try_get("display_name")?;
    let rows = sqlx::query(
        "SELECT a.role_id, a.expires_at FROM role_assignments a \
         JOIN memberships m ON m.workspace_id = a.workspace_id AND m.user_id = a.user_id \
         WHERE a.workspace_id = $1 AND a.user_id = $2 AND m.deactivated_at IS NULL \
           AND (a.expires_at IS NULL OR a.expires_at > $3)",
    )
    .bind(grant.workspace().as_str())
    .bind(user)
    .bind(clock.now_ms())
    .fetch_all(db.pool())
    .await?;
    let names: std::collections::HashMap<String, (String, Option<String>)> =
        sqlx::query("SELECT id, name, parent_role_id FROM roles WHERE workspace_id = $1")
            .bind(grant.workspace().as_str())
            .fetch_all(db.pool())
            .await?
            .iter()
            .map(|r| {
                Ok((
                    r.try_get("id")?,
                    (r.try_get("name")?, r.try_get("parent_role_id")?),
                ))
            })
            .collect::<Result<_, DomainError>>()?;
    let tz = crate::server::workspace::login_hours::time_zone(db, grant.workspace()).await?;
    let mut out = Vec::new();
    for row in rows {
        let role: String = row.try_get("role_id")?;
        let expires: Option<i64> = row.try_get("expires_at")?;
        let mut chain = Vec::new();
        let mut next = Some(role.clone());
        while let Some(id) = next.take() {
            if chain.len() > 16 || chain.iter().any(|(c, _)| *c == id) {
                break;
            }
            if let Some((name, parent)) = names.get(&id) {
                chain.push((id, name.clone()));
                next = parent.clone();
            }
        }
        let first = chain.first().map(|(_, n)| n.clone()).unwrap_or_default();
        let until = expires.map(|at| crate::server::access::expiry::last_day(at, tz));
        let label = match &until {
            Some(day) => format!("{first} (until {day})"),
            None => first,
        };
        out.push(Held {
            label,
            until,
            chain,
        });
    }
    Ok((name, out))
}

/// Every key and scope `user` holds in the grant's workspace, with its sources.
/// Needs `roles.read`.
pub async fn explain(
    db: &Db,
    clock: &Clock,
    grant: &Grant<keys::RolesRead>,
    user: &UserId,
) -> Result<Explanation, DomainError> {
    let user = user.as_str();
    let (name, roles) = held(db, clock, grant, user).await?;
    let ids: Vec<String> = roles
        .iter()
        .flat_map(|h| h.chain.iter().map(|(id, _)| id.clone()))
        .collect();
    let contents = role_loading::role_contents(db, grant.workspace(), &ids).await?;
    let access = grants::access(
        db,
        clock,
        &UserId::from_db(user.to_owned()),
        grant.workspace(),
    )
    .await?;
    let sources = |test: &dyn Fn(&grants::RoleContents) -> bool| -> Vec<String> {
        let mut found = Vec::new();
        for h in &roles {
            for (depth, (id, role_name)) in h.chain.iter().enumerate() {
                let Some(c) = contents.get(id) else { continue };
                if c.owner || test(c) {
                    found.push(if depth == 0 {
                        h.label.clone()
                    } else {
                        format!("{role_name} via {}", h.label)
                    });
                    break;
                }
            }
        }
        found
    };
    let permissions = access
        .permissions
        .iter()
        .map(|p| (p.key().to_owned(), sources(&|c| c.permissions.contains(p))))
        .collect();
    let scopes = Resource::SCOPED
        .iter()
        .map(|r| (r.key().to_owned(), access.scope(*r).key().to_owned()))
        .collect();
    let held = roles
        .iter()
        .filter_map(|h| {
            h.chain.first().map(|(id, name)| MemberRole {
                role_id: RoleId::from_db(id.clone()),
                name: name.clone(),
                until: h.until.clone(),
            })
        })
        .collect();
    Ok(Explanation {
        name,
        roles: held,
        permissions,
        scopes,
    })
}

/// Would `user` pass a check of `permission` (on customer `record`, if given)? The verdict
/// names the roles, the scope and the record's assignment. Needs `roles.read`.
pub async fn why(
    db: &Db,
    clock: &Clock,
    grant: &Grant<keys::RolesRead>,
    user: &UserId,
    permission: &str,
    record: Option<&str>,
) -> Result<Verdict, DomainError> {
    let user_id = user;
    let user = user.as_str();
    let permission = Permission::from_key(permission.trim())
        .ok_or_else(|| DomainError::invalid("permission", "Choose a permission from the list."))?;
    let explanation = explain(db, clock, grant, user_id).await?;
    let who = explanation.name.clone();
    let Some((_, sources)) = explanation
        .permissions
        .iter()
        .find(|(k, _)| k == permission.key())
    else {
        return Ok(Verdict {
            allowed: false,
            reasons: vec![format!(
                "None of {who}'s roles grants {}.",
                permission.key()
            )],
        });
    };
    let mut reasons = vec![format!(
        "{} comes from {}.",
        permission.key(),
        sources.join(", ")
    )];
    let Some(record) = record.filter(|r| !r.trim().is_empty()) else {
        return Ok(Verdict {
            allowed: true,
            reasons,
        });
    };
    let target = grants::held_by_other(db, clock, grant, &UserId::from_db(user.to_owned())).await?;
    let reached = record_reasons(
        db,
        clock,
        grant,
        &target,
        &who,
        permission,
        record,
        &mut reasons,
    )
    .await?;
    Ok(Verdict {
        allowed: reached,
        reasons,
    })
}

/// Would `target` (called `who`) reach `record` for `permission`'s kind of record? Adds its
/// scope and the answer to `reasons`. The asker learns only whether a record they reach
/// themselves is in the other's reach; any other id is "not within your reach".
#[allow(
    clippy::too_many_arguments,
    reason = "one question, asked from two pages"
)]
pub(crate) async fn record_reasons<K: Key>(
    db: &Db,
    clock: &Clock,
    asker: &Grant<K>,
    target: &grants::Held,
    who: &str,
    permission: Permission,
    record: &str,
    reasons: &mut Vec<String>,
) -> Result<bool, DomainError> {
    let Some(kind) = permission.resource().and_then(kinds::of) else {
        return Err(DomainError::invalid(
            "record",
            "Records can be checked only for permissions about a kind of record.",
        ));
    };
    let resource = kind.resource;
    let scope = if Resource::SCOPED.contains(&resource) {
        target.access().scope(resource).key().to_owned()
    } else {
        "all (a catalogue)".to_owned()
    };
    reasons.push(format!("{who}'s scope for {} is {scope}.", resource.key()));
    // The target's reach for the resource, exactly as their request would confine it.
    let reached = records::scope::reaches(
        db,
        kind,
        &HeldFor {
            held: target,
            resource,
        },
        record,
    )
    .await?;
    let own = grants::held(db, clock, asker.user(), asker.workspace()).await?;
    let reads = Permission::from_key(&format!("{}.read", resource.key()))
        .is_some_and(|read| own.access().permissions.contains(read));
    let own_reach = HeldFor {
        held: &own,
        resource,
    };
    if !reads || !records::scope::reaches(db, kind, &own_reach, record).await? {
        return Err(DomainError::invalid(
            "record",
            format!("No {} with that id within your reach.", kind.noun),
        ));
    }
    reasons.push(if reached {
        format!("The {} is within that scope.", kind.noun)
    } else {
        format!("The {} is outside that scope.", kind.noun)
    });
    Ok(reached)
}
