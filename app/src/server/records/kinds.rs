//! Every record kind, for the places that must know them all: clearing a deleted team from
//! the records assigned to it, "why may … see this record?", and the tests that check each
//! kind's table is behind row-level security and in the isolation snapshot. A new kind is
//! declared in its own module and added here once.

use crate::permissions::Resource;
use crate::server::records::kind::RecordKind;
use crate::server::records::{
    customers, library, licences, orders, payments, products, quotes, tickets,
};

pub const KINDS: &[&RecordKind] = &[
    &customers::KIND,
    &products::KIND,
    &quotes::KIND,
    &orders::KIND,
    &payments::KIND,
    &licences::KIND,
    &tickets::KIND,
    &library::KIND,
];

/// The kind whose records `resource` is about, if it has one yet.
pub fn of(resource: Resource) -> Option<&'static RecordKind> {
    KINDS.iter().copied().find(|k| k.resource == resource)
}

/// Clears `team` from every record assigned to it, in the transaction `conn` (the team is
/// being deleted; the records keep their assignee).
pub async fn clear_team(
    conn: &mut sqlx::AnyConnection,
    workspace: &crate::model::WorkspaceId,
    team: &crate::model::TeamId,
) -> Result<(), sqlx::Error> {
    for kind in KINDS {
        if let Some(column) = kind.team_column() {
            sqlx::query(&format!(
                "UPDATE {} SET {column} = NULL WHERE workspace_id = $1 AND {column} = $2",
                kind.table
            ))
            .bind(workspace.as_str())
            .bind(team.as_str())
            .execute(&mut *conn)
            .await?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_kind_is_listed_once_under_its_own_resource() {
        for kind in KINDS {
            assert_eq!(of(kind.resource).map(|k| k.table), Some(kind.table));
            assert_eq!(
                KINDS.iter().filter(|k| k.table == kind.table).count(),
                1,
                "{}",
                kind.table
            );
        }
    }

    #[test]
    fn the_audit_viewer_offers_every_kinds_actions() {
        for kind in KINDS {
            let family = format!("{}.", kind.noun);
            assert!(
                crate::model::AUDIT_FAMILIES
                    .iter()
                    .any(|(f, _)| *f == family),
                "{family} is missing from AUDIT_FAMILIES"
            );
        }
    }
}
