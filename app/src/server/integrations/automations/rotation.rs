//! Round robin: a step hands records to its team's active members in turn, by the order of
//! their ids, each record to the member after the one it gave the last to. Where it stands is
//! kept per automation and step, and moved with a conditional write, so two runs at once on
//! PostgreSQL never hand two records to one member out of turn (SQLite writes one at a time).

use sqlx::Row;

use crate::model::{AutomationId, WorkspaceId};
use crate::server::platform::error::DomainError;

/// How often a step re-reads its place when another run moved it first.
const TRIES: usize = 5;

/// The member whose turn it is in team `team_id`, marked as given the record.
pub async fn next(
    conn: &mut sqlx::AnyConnection,
    workspace: &WorkspaceId,
    automation: &AutomationId,
    position: i64,
    team_id: &str,
) -> Result<String, DomainError> {
    let members: Vec<String> = sqlx::query(
        "SELECT tm.user_id FROM team_members tm JOIN memberships m \
         ON m.workspace_id = tm.workspace_id AND m.user_id = tm.user_id \
         WHERE tm.workspace_id = $1 AND tm.team_id = $2 AND m.deactivated_at IS NULL \
         ORDER BY tm.user_id",
    )
    .bind(workspace.as_str())
    .bind(team_id)
    .fetch_all(&mut *conn)
    .await?
    .iter()
    .map(|r| r.try_get("user_id"))
    .collect::<Result<_, _>>()?;
    if members.is_empty() {
        return Err(DomainError::Conflict(
            "The team has no active member to assign to.".into(),
        ));
    }
    for _ in 0..TRIES {
        let last: Option<String> = sqlx::query(
            "SELECT last_user_id FROM automation_rotations \
             WHERE workspace_id = $1 AND automation_id = $2 AND position = $3",
        )
        .bind(workspace.as_str())
        .bind(automation.as_str())
        .bind(position)
        .fetch_optional(&mut *conn)
        .await?
        .map(|r| r.try_get("last_user_id"))
        .transpose()?;
        let turn = after(&members, last.as_deref()).to_owned();
        let moved = match &last {
            None => sqlx::query(
                "INSERT INTO automation_rotations (automation_id, workspace_id, position, \
                 last_user_id) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
            )
            .bind(automation.as_str())
            .bind(workspace.as_str())
            .bind(position)
            .bind(&turn),
            Some(last) => sqlx::query(
                "UPDATE automation_rotations SET last_user_id = $4 WHERE workspace_id = $1 \
                 AND automation_id = $2 AND position = $3 AND last_user_id = $5",
            )
            .bind(workspace.as_str())
            .bind(automation.as_str())
            .bind(position)
            .bind(&turn)
            .bind(last.clone()),
        }
        .execute(&mut *conn)
        .await?
        .rows_affected();
        if moved == 1 {
            return Ok(turn);
        }
    }
    Err(DomainError::Conflict(
        "Too many runs took turns at once: run it again.".into(),
    ))
}

/// The member after `last` in `members` (sorted), starting over at the first.
fn after<'m>(members: &'m [String], last: Option<&str>) -> &'m str {
    last.and_then(|last| members.iter().find(|m| m.as_str() > last))
        .unwrap_or(&members[0])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn turns_go_round_in_order_and_survive_a_member_leaving() {
        let members: Vec<String> = ["a", "c", "e"].map(String::from).to_vec();
        assert_eq!(after(&members, None), "a");
        assert_eq!(after(&members, Some("a")), "c");
        assert_eq!(after(&members, Some("e")), "a");
        assert_eq!(
            after(&members, Some("b")),
            "c",
            "b left the team: c is next"
        );
        assert_eq!(after(&members, Some("z")), "a");
    }
}
