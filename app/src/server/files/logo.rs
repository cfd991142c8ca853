//! The workspace's company logo: one image, set and removed by holders of `settings.write`,
//! seen by every member in the top bar. The workspace row names the current one, so the top
//! bar finds it in the statement that already reads the workspace.

use sqlx::Row;

use super::errors::FileError;
use super::intake;
use super::spool::Spooled;
use super::storage::Storage;
use crate::model::{FileSummary, Purpose};
use crate::permissions::keys;
use crate::server::access::grants::Grant;
use crate::server::platform::clock::Clock;
use crate::server::platform::db::Db;
use crate::server::platform::error::DomainError;

const PURPOSE: Purpose = Purpose::WorkspaceLogo;

/// Makes `upload` the logo; the one it replaces is deleted, row and bytes.
pub async fn set(
    db: &Db,
    clock: &Clock,
    storage: &Storage,
    grant: &Grant<keys::SettingsWrite>,
    name: &str,
    upload: Spooled,
) -> Result<FileSummary, FileError> {
    let stored = intake::store(storage, intake::judge(PURPOSE, name, upload).await?).await?;
    let now = clock.now_ms();
    let replaced = async {
        let mut tx = grant.begin(db, true).await?;
        stored
            .insert(&mut tx, grant.workspace(), PURPOSE, None, grant.user(), now)
            .await?;
        sqlx::query("UPDATE workspaces SET logo_file_id = $1 WHERE id = $2")
            .bind(stored.id.as_str())
            .bind(grant.workspace().as_str())
            .execute(&mut *tx)
            .await?;
        let old = delete_others(&mut tx, grant, Some(stored.id.as_str())).await?;
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

/// Deletes the workspace's logo rows but `keep`; returns their stored objects' names.
async fn delete_others(
    tx: &mut sqlx::AnyConnection,
    grant: &Grant<keys::SettingsWrite>,
    keep: Option<&str>,
) -> Result<Vec<String>, DomainError> {
    let rows = sqlx::query(
        "DELETE FROM files WHERE workspace_id = $1 AND purpose = $2 AND id <> $3 \
         RETURNING object_key",
    )
    .bind(grant.workspace().as_str())
    .bind(PURPOSE.as_str())
    .bind(keep.unwrap_or(""))
    .fetch_all(&mut *tx)
    .await?;
    rows.iter().map(|r| Ok(r.try_get("object_key")?)).collect()
}

/// Removes the logo, if there is one.
pub async fn remove(
    db: &Db,
    storage: &Storage,
    grant: &Grant<keys::SettingsWrite>,
) -> Result<(), FileError> {
    let mut tx = grant.begin(db, true).await?;
    sqlx::query("UPDATE workspaces SET logo_file_id = NULL WHERE id = $1")
        .bind(grant.workspace().as_str())
        .execute(&mut *tx)
        .await?;
    let old = delete_others(&mut tx, grant, None).await?;
    tx.commit().await?;
    for object in old {
        storage.remove(&object).await?;
    }
    Ok(())
}
