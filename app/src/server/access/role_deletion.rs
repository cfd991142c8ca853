//! Deleting a custom role: its holders and open invitations move to another role, through the
//! same guardrails as any assignment; base roles stay, and so does a role others inherit from.

use sqlx::Row;

use crate::model::RoleId;
use crate::model::{UserId, WorkspaceId};
use crate::permissions::keys;
use crate::server::access::audit::{self, Change};
use crate::server::access::base_roles::BaseRole;
use crate::server::access::grants::{self, Grant};
use crate::server::access::role_editor::{check_changeable, family, may_hand_out, state, stored};
use crate::server::access::role_loading;
use crate::server::access::sod;
use crate::server::platform::clock::Clock;
use crate::server::platform::db::Db;
use crate::server::platform::error::DomainError;
use crate::server::workspace::members::person_name;

/// Deletes custom role `id`. Its holders (and open invitations carrying it) move to
/// `reassign_to`, which must be given when there are any; that move is an assignment, so it
/// passes the same checks (no escalation, segregation of duties). Base roles stay; so does a
/// role others inherit from. Needs `roles.write`.
pub async fn delete(
    db: &Db,
    clock: &Clock,
    grant: &Grant<keys::RolesWrite>,
    id: &RoleId,
    reassign_to: Option<&str>,
) -> Result<(), DomainError> {
    let id = id.as_str();
    let workspace = grant.workspace();
    let (name, base, contents) = stored(db, workspace, id).await?;
    check_changeable(db, clock, grant, id, base.as_deref(), ("delete", "deleted")).await?;
    if base.is_some() {
        return Err(DomainError::Conflict(
            "Base roles can't be deleted; edit what they grant instead.".into(),
        ));
    }
    refuse_if_inherited(db, workspace, id).await?;
    let holders = holders(db, workspace, id).await?;
    let invited = open_invitations(db, workspace, id).await?;
    // Keys and automations move with the people: their role is narrowed to their maker's at
    // each call or run anyway.
    let keyed = count_using(db, "api_keys", workspace, id).await?;
    let automated = count_using(db, "automations", workspace, id).await?;
    let target = match reassign_to.map(str::trim).filter(|t| !t.is_empty()) {
        _ if holders.is_empty() && invited == 0 && keyed + automated == 0 => None,
        None if holders.is_empty() && invited == 0 => {
            let acting = match (keyed > 0, automated > 0) {
                (true, false) => "API keys act",
                (false, true) => "Automations act",
                _ => "API keys and automations act",
            };
            return Err(DomainError::invalid(
                "reassign_to",
                format!("{acting} under this role: choose the role they move to."),
            ));
        }
        None => {
            return Err(DomainError::invalid(
                "reassign_to",
                "People hold this role: choose the role they move to.",
            ))
        }
        Some(t) if t == id => {
            return Err(DomainError::invalid(
                "reassign_to",
                "Choose another role for its holders.",
            ))
        }
        Some(t) => {
            check_target(db, clock, grant, id, t, &holders).await?;
            Some(t.to_owned())
        }
    };
    let mut tx = db.begin_in(workspace, true).await?;
    if let Some(target) = &target {
        move_holders(&mut tx, workspace, id, target).await?;
    }
    remove(&mut tx, workspace, id).await?;
    audit::record(
        &mut tx,
        clock,
        grant.acting(),
        Change {
            action: "role.delete",
            target: id,
            before: Some(state(&name, &contents)),
            after: Some(serde_json::json!({
                "reassigned_to": target,
                "holders_moved": holders.len(),
                "invitations_moved": invited,
                "api_keys_moved": keyed,
                "automations_moved": automated,
            })),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// A role others inherit from stays until they have another parent.
async fn refuse_if_inherited(
    db: &Db,
    workspace: &WorkspaceId,
    id: &str,
) -> Result<(), DomainError> {
    let family = family(db, workspace).await?;
    let mut heirs: Vec<&str> = family
        .iter()
        .filter(|(_, (parent, _))| parent.as_deref() == Some(id))
        .map(|(child, _)| child.as_str())
        .collect();
    if heirs.is_empty() {
        return Ok(());
    }
    heirs.sort_unstable();
    let names = role_names(db, workspace, &heirs).await?;
    Err(DomainError::Conflict(format!(
        "{} inherit{} from this role: give {} another parent first.",
        names.join(", "),
        if names.len() == 1 { "s" } else { "" },
        if names.len() == 1 { "it" } else { "them" },
    )))
}

async fn holders(db: &Db, workspace: &WorkspaceId, id: &str) -> Result<Vec<String>, DomainError> {
    Ok(
        sqlx::query(
            "SELECT user_id FROM role_assignments WHERE workspace_id = $1 AND role_id = $2",
        )
        .bind(workspace.as_str())
        .bind(id)
        .fetch_all(db.pool())
        .await?
        .iter()
        .map(|r| r.try_get("user_id"))
        .collect::<Result<_, _>>()?,
    )
}

async fn open_invitations(db: &Db, workspace: &WorkspaceId, id: &str) -> Result<i64, DomainError> {
    count_using(db, "invitations", workspace, id).await
}

/// How many rows of `table` (invitations, API keys, automations) name the role `id`.
async fn count_using(
    db: &Db,
    table: &str,
    workspace: &WorkspaceId,
    id: &str,
) -> Result<i64, DomainError> {
    let mut tx = db.begin_in(workspace, false).await?;
    let n = sqlx::query(&format!(
        "SELECT COUNT(*) AS n FROM {table} WHERE workspace_id = $1 AND role_id = $2"
    ))
    .bind(workspace.as_str())
    .bind(id)
    .fetch_one(&mut *tx)
    .await?
    .try_get("n")?;
    tx.commit().await?;
    Ok(n)
}

/// Moving the holders of `id` to `target` is handing `target` out: the same checks as an
/// assignment (Owner only by Owners, no escalation, no segregation-of-duties conflict for any
/// holder once the move is done).
async fn check_target(
    db: &Db,
    clock: &Clock,
    grant: &Grant<keys::RolesWrite>,
    id: &str,
    target: &str,
    holders: &[String],
) -> Result<(), DomainError> {
    let workspace = grant.workspace();
    let (_, target_base, _) = stored(db, workspace, target)
        .await
        .map_err(|_| DomainError::invalid("reassign_to", "Choose a role of this workspace."))?;
    let mut conn = db.pool().acquire().await?;
    let owner = grants::is_owner(&mut conn, clock, workspace, grant.user()).await?;
    drop(conn);
    if target_base.as_deref() == Some(BaseRole::Owner.key()) && !owner {
        return Err(DomainError::invalid(
            "reassign_to",
            "Only an Owner can make others Owners.",
        ));
    }
    may_hand_out(db, clock, grant, target, "reassign_to").await?;
    let rules = sod::rules(db, workspace).await?;
    for user in holders {
        let user = UserId::from_db(user.clone());
        let mut held = role_loading::held_role_ids(db, clock, &user, workspace).await?;
        held.retain(|r| r != id);
        held.push(target.to_owned());
        let roles = role_loading::role_contents(db, workspace, &held).await?;
        let held: Vec<&str> = held.iter().map(String::as_str).collect();
        if let Some(pair) = sod::person_conflict(grants::combine(&held, &roles).permissions, &rules)
        {
            return Err(sod::refusal(&person_name(db, &user).await?, pair));
        }
    }
    Ok(())
}

/// Holders and open invitations of `id` move to `target`; someone holding both keeps the
/// target assignment as it is.
async fn move_holders(
    tx: &mut sqlx::AnyConnection,
    workspace: &WorkspaceId,
    id: &str,
    target: &str,
) -> Result<(), DomainError> {
    sqlx::query(
        "DELETE FROM role_assignments WHERE workspace_id = $1 AND role_id = $2 AND user_id IN \
         (SELECT user_id FROM role_assignments WHERE workspace_id = $1 AND role_id = $3)",
    )
    .bind(workspace.as_str())
    .bind(id)
    .bind(target)
    .execute(&mut *tx)
    .await?;
    for table in ["role_assignments", "invitations", "api_keys", "automations"] {
        sqlx::query(&format!(
            "UPDATE {table} SET role_id = $1 WHERE workspace_id = $2 AND role_id = $3"
        ))
        .bind(target)
        .bind(workspace.as_str())
        .bind(id)
        .execute(&mut *tx)
        .await?;
    }
    Ok(())
}

/// The role and its contents.
async fn remove(
    tx: &mut sqlx::AnyConnection,
    workspace: &WorkspaceId,
    id: &str,
) -> Result<(), DomainError> {
    for table in ["role_permissions", "role_scopes"] {
        sqlx::query(&format!(
            "DELETE FROM {table} WHERE workspace_id = $1 AND role_id = $2"
        ))
        .bind(workspace.as_str())
        .bind(id)
        .execute(&mut *tx)
        .await?;
    }
    sqlx::query("DELETE FROM roles WHERE workspace_id = $1 AND id = $2")
        .bind(workspace.as_str())
        .bind(id)
        .execute(&mut *tx)
        .await?;
    Ok(())
}

async fn role_names(
    db: &Db,
    workspace: &WorkspaceId,
    ids: &[&str],
) -> Result<Vec<String>, DomainError> {
    let mut names = Vec::with_capacity(ids.len());
    for id in ids {
        let row = sqlx::query("SELECT name FROM roles WHERE workspace_id = $1 AND id = $2")
            .bind(workspace.as_str())
            .bind(*id)
            .fetch_one(db.pool())
            .await?;
        names.push(row.try_get("name")?);
    }
    Ok(names)
}
