//! Who a workspace's notices go to: the active members who hold a key, with a usable address.

use lettre::message::Mailbox;
use sqlx::Row;

use crate::model::{UserId, WorkspaceId};
use crate::permissions::Permission;
use crate::server::access::grants::held;
use crate::server::platform::clock::Clock;
use crate::server::platform::db::Db;
use crate::server::platform::error::DomainError;

/// An active member who holds a key.
pub struct Holder {
    pub user: UserId,
    pub name: String,
    pub email: String,
}

/// The active members of `workspace` who hold `key` now, by name.
pub async fn holders(
    db: &Db,
    clock: &Clock,
    workspace: &WorkspaceId,
    key: Permission,
) -> Result<Vec<Holder>, DomainError> {
    let rows = sqlx::query(
        "SELECT u.id, u.display_name, u.email FROM memberships m JOIN users u ON u.id = m.user_id \
         WHERE m.workspace_id = $1 AND m.deactivated_at IS NULL ORDER BY u.display_name, u.id",
    )
    .bind(workspace.as_str())
    .fetch_all(db.pool())
    .await?;
    let mut found = Vec::new();
    for row in rows {
        let user = UserId::from_db(row.try_get("id")?);
        if held(db, clock, &user, workspace)
            .await?
            .access()
            .permissions
            .contains(key)
        {
            found.push(Holder {
                user,
                name: row.try_get("display_name")?,
                email: row.try_get("email")?,
            });
        }
    }
    Ok(found)
}

/// The active members of `workspace` who hold `key` now, as mail recipients.
pub async fn holding(
    db: &Db,
    clock: &Clock,
    workspace: &WorkspaceId,
    key: Permission,
) -> Result<Vec<Mailbox>, DomainError> {
    Ok(holders(db, clock, workspace, key)
        .await?
        .iter()
        .filter_map(mailbox)
        .collect())
}

/// A holder as a mail recipient; none when their address does not parse.
pub fn mailbox(h: &Holder) -> Option<Mailbox> {
    Some(Mailbox::new(Some(h.name.clone()), h.email.parse().ok()?))
}
