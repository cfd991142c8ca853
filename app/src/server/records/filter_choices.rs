//! The people and teams a list offers as filters: those the caller's data scope reaches, so the
//! filter never tells a member with the "assigned" scope who else works in the workspace.

use sqlx::Row;

use super::sql::Sql;
use crate::model::{FilterChoices, MemberOption, TeamId, TeamOption, UserId};
use crate::permissions::{Key, Scope};
use crate::server::access::grants::Grant;
use crate::server::platform::db::Db;
use crate::server::platform::error::DomainError;
use crate::server::workspace::members;

/// The choices for a list of records the grant reaches, in the transaction `conn`: one
/// statement, as it runs with every list page.
pub async fn for_grant<K: Key>(
    conn: &mut sqlx::AnyConnection,
    grant: &Grant<K>,
) -> Result<FilterChoices, DomainError> {
    let (workspace, me) = (grant.workspace().as_str(), grant.user().as_str());
    let scope = grant.scope();
    let mut sql = Sql::default();
    sql.push(
        "SELECT 'person' AS what, u.id, u.display_name AS name, u.email FROM memberships m \
         JOIN users u ON u.id = m.user_id WHERE m.workspace_id = ",
    )
    .arg(workspace)
    .push(" AND m.deactivated_at IS NULL");
    if scope != Scope::All {
        sql.push(" AND (m.user_id = ").arg(me);
        if scope >= Scope::Team {
            sql.push(
                " OR m.user_id IN (SELECT peer.user_id FROM team_members mine \
                 JOIN team_members peer ON peer.workspace_id = mine.workspace_id \
                 AND peer.team_id = mine.team_id WHERE mine.workspace_id = ",
            )
            .arg(workspace)
            .push(" AND mine.user_id = ")
            .arg(me)
            .push(")");
        }
        if scope == Scope::Department {
            sql.push(
                " OR m.department_id IN (SELECT mine.department_id FROM memberships mine \
                 WHERE mine.workspace_id = ",
            )
            .arg(workspace)
            .push(" AND mine.user_id = ")
            .arg(me)
            .push(")");
        }
        sql.push(")");
    }
    // Team names are not for the "assigned" scope: its holder reaches no team's records.
    if scope != Scope::Assigned {
        sql.push(
            " UNION ALL SELECT 'team' AS what, t.id, t.name, '' AS email FROM teams t \
             WHERE t.workspace_id = ",
        )
        .arg(workspace);
        if scope != Scope::All {
            sql.push(
                " AND t.id IN (SELECT tm.team_id FROM team_members tm WHERE tm.workspace_id = ",
            )
            .arg(workspace)
            .push(" AND tm.user_id = ")
            .arg(me)
            .push(")");
        }
    }
    let mut choices = FilterChoices::default();
    for row in sql.query().fetch_all(&mut *conn).await? {
        let (id, name): (String, String) = (row.try_get("id")?, row.try_get("name")?);
        if row.try_get::<String, _>("what")? == "team" {
            choices.teams.push(TeamOption {
                id: TeamId::from_db(id),
                name,
            });
        } else {
            let email: String = row.try_get("email")?;
            choices.people.push(MemberOption {
                user_id: UserId::from_db(id),
                label: members::option_label(&name, &email),
            });
        }
    }
    choices
        .people
        .sort_by(|a, b| (&a.label, &a.user_id).cmp(&(&b.label, &b.user_id)));
    choices
        .teams
        .sort_by(|a, b| (&a.name, &a.id).cmp(&(&b.name, &b.id)));
    Ok(choices)
}

/// The choices for the holder of `grant`, in a transaction of their own (for pages that list
/// no records of the grant's kind themselves, such as reports).
pub async fn read<K: Key>(db: &Db, grant: &Grant<K>) -> Result<FilterChoices, DomainError> {
    let mut tx = grant.begin(db, false).await?;
    let choices = for_grant(&mut tx, grant).await?;
    tx.commit().await?;
    Ok(choices)
}
