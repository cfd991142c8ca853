//! Files a workspace holds one of, hung on the workspace rather than on a record: its company
//! logo and its quote template. Setting one replaces the one before it, row and bytes; both
//! are kept by holders of `settings.write`.

use sqlx::Row;

use super::errors::FileError;
use super::intake::{self, Judged};
use super::storage::Storage;
use crate::model::{FileSummary, Purpose, WorkspaceId};
use crate::permissions::keys;
use crate::server::access::grants::Grant;
use crate::server::platform::clock::Clock;
use crate::server::platform::db::Db;
use crate::server::platform::error::DomainError;

/// One kind of single file: its purpose, and the column of `workspaces` that names the current
/// one when pages need it without a second query.
#[derive(Clone, Copy)]
pub struct Single {
    pub purpose: Purpose,
    pub column: Option<&'static str>,
}

/// Stores the judged upload and makes it the workspace's one file of `single`.
pub async fn replace(
    db: &Db,
    clock: &Clock,
    storage: &Storage,
    grant: &Grant<keys::SettingsWrite>,
    single: Single,
    judged: Judged,
) -> Result<FileSummary, FileError> {
    let stored = intake::store(storage, judged).await?;
    let now = clock.now_ms();
    let replaced = async {
        let mut tx = grant.begin(db, true).await?;
        stored
            .insert(
                &mut tx,
                grant.workspace(),
                single.purpose,
                None,
                grant.user(),
                now,
            )
            .await?;
        if let Some(column) = single.column {
            sqlx::query(&format!(
                "UPDATE workspaces SET {column} = $1 WHERE id = $2"
            ))
            .bind(stored.id.as_str())
            .bind(grant.workspace().as_str())
            .execute(&mut *tx)
            .await?;
        }
        let old =
            delete_others(&mut tx, grant.workspace(), single, Some(stored.id.as_str())).await?;
        tx.commit().await?;
        Ok::<_, DomainError>(old)
    }
    .await;
    match replaced {
        Ok(old) => {
            for object in old {
                storage.remove(&object).await?;
            }
            Ok(stored.summary(grant.user(), now))
        }
        Err(e) => {
            stored.undo(storage).await?;
            Err(e.into())
        }
    }
}

/// Removes the workspace's file of `single`, if there is one.
pub async fn clear(
    db: &Db,
    storage: &Storage,
    grant: &Grant<keys::SettingsWrite>,
    single: Single,
) -> Result<(), FileError> {
    let mut tx = grant.begin(db, true).await?;
    if let Some(column) = single.column {
        sqlx::query(&format!(
            "UPDATE workspaces SET {column} = NULL WHERE id = $1"
        ))
        .bind(grant.workspace().as_str())
        .execute(&mut *tx)
        .await?;
    }
    let old = delete_others(&mut tx, grant.workspace(), single, None).await?;
    tx.commit().await?;
    for object in old {
        storage.remove(&object).await?;
    }
    Ok(())
}

/// Deletes the workspace's rows of `single` but `keep`; returns their stored objects' names.
async fn delete_others(
    tx: &mut sqlx::AnyConnection,
    workspace: &WorkspaceId,
    single: Single,
    keep: Option<&str>,
) -> Result<Vec<String>, DomainError> {
    let rows = sqlx::query(
        "DELETE FROM files WHERE workspace_id = $1 AND purpose = $2 AND id <> $3 \
         RETURNING object_key",
    )
    .bind(workspace.as_str())
    .bind(single.purpose.as_str())
    .bind(keep.unwrap_or(""))
    .fetch_all(&mut *tx)
    .await?;
    rows.iter().map(|r| Ok(r.try_get("object_key")?)).collect()
}
