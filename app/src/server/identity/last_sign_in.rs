//! When each member last came into a workspace: the team page's "last sign-in" and the
//! inactive members' report read it.

use crate::model::{UserId, WorkspaceId};
use crate::server::platform::error::DomainError;

/// Records that `user` came into `workspace` at `at_ms` (signed in to it, or switched to it).
pub async fn note(
    conn: &mut sqlx::AnyConnection,
    at_ms: i64,
    user: &UserId,
    workspace: &WorkspaceId,
) -> Result<(), DomainError> {
    sqlx::query(
        "UPDATE memberships SET last_sign_in_ms = $1 WHERE workspace_id = $2 AND user_id = $3",
    )
    .bind(at_ms)
    .bind(workspace.as_str())
    .bind(user.as_str())
    .execute(&mut *conn)
    .await?;
    Ok(())
}
