//! Teams: groups of members that back the `team` data scope. A member may be in several.
//! Every change is in the audit log.

use sqlx::Row;

use crate::model::{TeamId, UserId};
use crate::permissions::keys;
use crate::server::access::audit::{self, Change};
use crate::server::access::grants::Grant;
use crate::server::platform::clock::Clock;
use crate::server::platform::db::Db;
use crate::server::platform::error::DomainError;
use crate::server::platform::text::LineField;

/// Creates a team in the grant's workspace. Needs `team.write`.
pub async fn create(
    db: &Db,
    clock: &Clock,
    grant: &Grant<keys::TeamWrite>,
    name: &str,
) -> Result<TeamId, DomainError> {
    let name = LineField {
        field: "name",
        subject: "The team name",
        empty_message: "Name the team.",
        max_chars: 60,
    }
    .clean(name)?;
    let id = TeamId::fresh();
    let mut tx = grant.begin(db, true).await?;
    sqlx::query("INSERT INTO teams (id, workspace_id, name, created_at) VALUES ($1, $2, $3, $4)")
        .bind(id.as_str())
        .bind(grant.workspace().as_str())
        .bind(&name)
        .bind(clock.now_ms())
        .execute(&mut *tx)
        .await
        .map_err(|e| {
            DomainError::on_unique(e, || {
                DomainError::invalid("name", "A team with this name already exists.")
            })
        })?;
    let change = Change {
        action: "team.create",
        target: id.as_str(),
        before: None,
        after: Some(serde_json::json!({ "name": name })),
    };
    audit::record(&mut tx, clock, grant.acting(), change).await?;
    tx.commit().await?;
    Ok(id)
}

/// Puts an active member of the grant's workspace into one of its teams; ids from elsewhere
/// answer `NotFound`. Needs `team.write`.
pub async fn add_member(
    db: &Db,
    clock: &Clock,
    grant: &Grant<keys::TeamWrite>,
    team: &TeamId,
    user: &UserId,
) -> Result<(), DomainError> {
    let mut tx = grant.begin(db, true).await?;
    let found = sqlx::query(
        "SELECT t.id FROM teams t JOIN memberships m ON m.workspace_id = t.workspace_id \
         WHERE t.workspace_id = $1 AND t.id = $2 AND m.user_id = $3 AND m.deactivated_at IS NULL",
    )
    .bind(grant.workspace().as_str())
    .bind(team.as_str())
    .bind(user.as_str())
    .fetch_optional(&mut *tx)
    .await?;
    if found.is_none() {
        return Err(DomainError::NotFound);
    }
    let added = sqlx::query(
        "INSERT INTO team_members (workspace_id, team_id, user_id) VALUES ($1, $2, $3) \
         ON CONFLICT (team_id, user_id) DO NOTHING",
    )
    .bind(grant.workspace().as_str())
    .bind(team.as_str())
    .bind(user.as_str())
    .execute(&mut *tx)
    .await?;
    if added.rows_affected() == 1 {
        let change = Change {
            action: "team.add_member",
            target: team.as_str(),
            before: None,
            after: Some(serde_json::json!({ "user_id": user.as_str() })),
        };
        audit::record(&mut tx, clock, grant.acting(), change).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Takes `user` out of team `team` (both of the grant's workspace, else `NotFound`).
/// Needs `team.write`.
pub async fn remove_member(
    db: &Db,
    clock: &Clock,
    grant: &Grant<keys::TeamWrite>,
    team: &TeamId,
    user: &UserId,
) -> Result<(), DomainError> {
    let mut tx = grant.begin(db, true).await?;
    let gone = sqlx::query(
        "DELETE FROM team_members WHERE workspace_id = $1 AND team_id = $2 AND user_id = $3",
    )
    .bind(grant.workspace().as_str())
    .bind(team.as_str())
    .bind(user.as_str())
    .execute(&mut *tx)
    .await?;
    if gone.rows_affected() == 0 {
        return Err(DomainError::NotFound);
    }
    let change = Change {
        action: "team.remove_member",
        target: team.as_str(),
        before: Some(serde_json::json!({ "user_id": user.as_str() })),
        after: None,
    };
    audit::record(&mut tx, clock, grant.acting(), change).await?;
    tx.commit().await?;
    Ok(())
}

/// Deletes team `team`. Records of every kind assigned to it keep their assignee and lose the
/// team (so `team`-scoped colleagues stop reaching them). Needs `team.write`.
pub async fn delete(
    db: &Db,
    clock: &Clock,
    grant: &Grant<keys::TeamWrite>,
    team: &TeamId,
) -> Result<(), DomainError> {
    let workspace = grant.workspace().as_str();
    let mut tx = grant.begin(db, true).await?;
    let name: String = sqlx::query("SELECT name FROM teams WHERE workspace_id = $1 AND id = $2")
        .bind(workspace)
        .bind(team.as_str())
        .fetch_optional(&mut *tx)
        .await?
        .ok_or(DomainError::NotFound)?
        .try_get("name")?;
    crate::server::records::kinds::clear_team(&mut tx, grant.workspace(), team).await?;
    sqlx::query("DELETE FROM team_members WHERE workspace_id = $1 AND team_id = $2")
        .bind(workspace)
        .bind(team.as_str())
        .execute(&mut *tx)
        .await?;
    sqlx::query("DELETE FROM teams WHERE workspace_id = $1 AND id = $2")
        .bind(workspace)
        .bind(team.as_str())
        .execute(&mut *tx)
        .await?;
    let change = Change {
        action: "team.delete",
        target: team.as_str(),
        before: Some(serde_json::json!({ "name": name })),
        after: None,
    };
    audit::record(&mut tx, clock, grant.acting(), change).await?;
    tx.commit().await?;
    Ok(())
}

/// Teams and departments with their active members, and the members to choose from.
/// Needs `team.read`.
pub async fn groups(
    db: &Db,
    grant: &Grant<keys::TeamRead>,
) -> Result<crate::model::Groups, DomainError> {
    use crate::model::{GroupView, MemberOption};
    let members = crate::server::workspace::members::options(db, grant.workspace()).await?;
    let label = |id: &str| members.iter().find(|m| m.user_id.as_str() == id).cloned();
    let mut tx = grant.begin(db, false).await?;
    let read = |rows: Vec<sqlx::any::AnyRow>| -> Result<Vec<GroupView>, DomainError> {
        let mut out: Vec<GroupView> = Vec::new();
        for row in rows {
            let id: String = row.try_get("id")?;
            let user: Option<String> = row.try_get("user_id")?;
            let member: Option<MemberOption> = user.as_deref().and_then(label);
            match out.last_mut() {
                Some(last) if last.id == id => last.members.extend(member),
                _ => out.push(GroupView {
                    id,
                    name: row.try_get("name")?,
                    members: member.into_iter().collect(),
                }),
            }
        }
        Ok(out)
    };
    let teams = read(
        sqlx::query(
            "SELECT t.id, t.name, tm.user_id FROM teams t \
             LEFT JOIN team_members tm ON tm.workspace_id = t.workspace_id AND tm.team_id = t.id \
             WHERE t.workspace_id = $1 ORDER BY t.name, t.id, tm.user_id",
        )
        .bind(grant.workspace().as_str())
        .fetch_all(&mut *tx)
        .await?,
    )?;
    let departments = read(
        sqlx::query(
            "SELECT d.id, d.name, m.user_id FROM departments d \
             LEFT JOIN memberships m ON m.workspace_id = d.workspace_id \
               AND m.department_id = d.id AND m.deactivated_at IS NULL \
             WHERE d.workspace_id = $1 ORDER BY d.name, d.id, m.user_id",
        )
        .bind(grant.workspace().as_str())
        .fetch_all(&mut *tx)
        .await?,
    )?;
    tx.commit().await?;
    Ok(crate::model::Groups {
        teams,
        departments,
        members,
    })
}
