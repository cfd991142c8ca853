//! Deleting a custom role: its holders and open invitations move to another role, through the
//! same guardrails as any assignment; base roles stay, and so does a role others inherit from.

use sqlx::Row;

use super::audit::{self, Change};
use super::base_roles::BaseRole;
use super::clock::Clock;
use super::db::Db;
use super::error::DomainError;
use super::grants::{self, Grant};
use super::members::person_name;
use super::role_editor::{check_changeable, family, may_hand_out, state, stored};
use super::sod;
use crate::model::{UserId, WorkspaceId};
use crate::permissions::Permission;

/// Deletes custom role `id`. Its holders (and open invitations carrying it) move to
/// `reassign_to`, which must be given when there are any; that move is an assignment, so it
/// passes the same checks (no escalation, segregation of duties). Base roles stay; so does a
/// role others inherit from. Needs `roles.write`.
pub async fn delete(
    db: &Db,
    clock: &Clock,
    grant: &Grant,
    id: &str,
    reassign_to: Option<&str>,
) -> Result<(), DomainError> {
    let grant = grant.of(Permission::RolesWrite)?;
    let workspace = grant.workspace();
    let (name, base, contents) = stored(db, workspace, id).await?;
    check_changeable(db, clock, grant, id, base.as_deref(), ("delete", "deleted")).await?;
    if base.is_some() {
        return Err(DomainError::Conflict(
            "Base roles can't be deleted; edit what they grant instead.".into(),
        ));
    }
    let family = family(db, workspace).await?;
    let mut heirs: Vec<&str> = family
        .iter()
        .filter(|(_, (parent, _))| parent.as_deref() == Some(id))
        .map(|(child, _)| child.as_str())
        .collect();
    if !heirs.is_empty() {
        heirs.sort_unstable();
        let names = role_names(db, workspace, &heirs).await?;
        return Err(DomainError::Conflict(format!(
            "{} inherit{} from this role: give {} another parent first.",
            names.join(", "),
            if names.len() == 1 { "s" } else { "" },
            if names.len() == 1 { "it" } else { "them" },
        )));
    }
    let holders: Vec<String> = sqlx::query(
        "SELECT user_id FROM role_assignments WHERE workspace_id = $1 AND role_id = $2",
    )
    .bind(workspace.as_str())
    .bind(id)
    .fetch_all(db.pool())
    .await?
    .iter()
    .map(|r| r.try_get("user_id"))
    .collect::<Result<_, _>>()?;
    let invited: i64 = sqlx::query(
        "SELECT COUNT(*) AS n FROM invitations WHERE workspace_id = $1 AND role_id = $2",
    )
    .bind(workspace.as_str())
    .bind(id)
    .fetch_one(db.pool())
    .await?
    .try_get("n")?;
    let target = match reassign_to.map(str::trim).filter(|t| !t.is_empty()) {
        _ if holders.is_empty() && invited == 0 => None,
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
            let (_, target_base, _) = stored(db, workspace, t).await.map_err(|_| {
                DomainError::invalid("reassign_to", "Choose a role of this workspace.")
            })?;
            let mut conn = db.pool().acquire().await?;
            let owner = grants::is_owner(&mut conn, clock, workspace, grant.user()).await?;
            drop(conn);
            if target_base.as_deref() == Some(BaseRole::Owner.key()) && !owner {
                return Err(DomainError::invalid(
                    "reassign_to",
                    "Only an Owner can make others Owners.",
                ));
            }
            may_hand_out(db, clock, grant, t, "reassign_to").await?;
            let rules = sod::rules(db, workspace).await?;
            for user in &holders {
                let user = UserId::from_db(user.clone());
                let mut held = grants::held_role_ids(db, clock, &user, workspace).await?;
                held.retain(|r| r != id);
                held.push(t.to_owned());
                let roles = grants::role_contents(db, workspace, &held).await?;
                let held: Vec<&str> = held.iter().map(String::as_str).collect();
                if let Some(pair) =
                    sod::person_conflict(grants::combine(&held, &roles).permissions, &rules)
                {
                    return Err(sod::refusal(&person_name(db, &user).await?, pair));
                }
            }
            Some(t.to_owned())
        }
    };
    let mut tx = db.pool().begin().await?;
    if let Some(target) = &target {
        // Someone holding both keeps the target assignment as it is.
        sqlx::query(
            "DELETE FROM role_assignments WHERE workspace_id = $1 AND role_id = $2 AND user_id IN \
             (SELECT user_id FROM role_assignments WHERE workspace_id = $1 AND role_id = $3)",
        )
        .bind(workspace.as_str())
        .bind(id)
        .bind(target)
        .execute(&mut *tx)
        .await?;
        for table in ["role_assignments", "invitations"] {
            sqlx::query(&format!(
                "UPDATE {table} SET role_id = $1 WHERE workspace_id = $2 AND role_id = $3"
            ))
            .bind(target)
            .bind(workspace.as_str())
            .bind(id)
            .execute(&mut *tx)
            .await?;
        }
    }
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
    audit::record(
        &mut tx,
        clock,
        workspace,
        grant.user(),
        Change {
            action: "role.delete",
            target: id,
            before: Some(state(&name, &contents)),
            after: Some(serde_json::json!({
                "reassigned_to": target,
                "holders_moved": holders.len(),
                "invitations_moved": invited,
            })),
        },
    )
    .await?;
    tx.commit().await?;
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
