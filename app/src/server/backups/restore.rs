//! Bringing a snapshot back: only into an empty database and an empty file store, and only
//! once every part matches the manifest — nothing is written before both are known. The
//! database then migrates forward, so an older snapshot comes back at this build's schema.

use std::path::Path;

use super::manifest::{self, Manifest};
use super::pg_tools::PgTools;
use super::BackupError;
use crate::server::files::storage::Storage;
use crate::server::platform::db::{sqlite_file, Backend, Db};
use crate::server::platform::dirs::private_dir;

/// What was brought back.
#[derive(Debug)]
pub struct Restored {
    pub manifest: Manifest,
    pub files: usize,
}

/// Restores the snapshot in `from` into the database at `database_url` and into `storage`.
pub async fn restore(
    from: &Path,
    database_url: &str,
    storage: &Storage,
    pg_tools: &PgTools,
) -> Result<Restored, BackupError> {
    let dir = from.to_owned();
    let manifest = tokio::task::spawn_blocking(move || manifest::check(&dir))
        .await
        .map_err(|e| BackupError::Refused(format!("checksums: {e}")))??;
    let backend = Backend::from_url(database_url).ok_or_else(|| {
        BackupError::Refused("the database URL is not sqlite: or postgres:".into())
    })?;
    if manifest.database != backend.name() {
        return Err(BackupError::Refused(format!(
            "the snapshot holds a {} database and the database URL names {}",
            manifest.database,
            backend.name()
        )));
    }
    let known = Db::latest_migration(backend);
    if manifest.schema_version > known {
        return Err(BackupError::Refused(format!(
            "the snapshot was taken by a newer Gatehouse (schema {}; this one knows up to {known})",
            manifest.schema_version
        )));
    }
    let stored = storage.names().await?.len();
    if stored > 0 {
        return Err(BackupError::NotEmpty(format!(
            "the file storage holds {stored} file(s)"
        )));
    }
    let database = from.join(manifest::database_part(backend.name()));
    match backend {
        Backend::Sqlite => restore_sqlite(&database, database_url)?,
        Backend::Postgres => restore_postgres(&database, database_url, pg_tools).await?,
    }
    let db = Db::connect(database_url).await?;
    let migrated = db.migrate().await;
    db.close().await;
    migrated?;
    let mut files = 0;
    for (name, part) in manifest.files() {
        storage.put_file(name, &from.join(&part.path)).await?;
        files += 1;
    }
    Ok(Restored { manifest, files })
}

/// Copies the database file under a staging name, then renames it into place: a restore cut
/// short leaves no half database under the real name.
fn restore_sqlite(database: &Path, url: &str) -> Result<(), BackupError> {
    let target = sqlite_file(url)
        .ok_or_else(|| BackupError::Refused("the database URL names no file".into()))?;
    if std::fs::metadata(&target).is_ok_and(|m| m.len() > 0) {
        return Err(BackupError::NotEmpty(format!(
            "{} exists",
            target.display()
        )));
    }
    if let Some(parent) = target.parent().filter(|p| !p.as_os_str().is_empty()) {
        private_dir(parent).map_err(BackupError::io(parent))?;
    }
    let staged = target.with_extension("restoring");
    std::fs::copy(database, &staged).map_err(BackupError::io(&staged))?;
    std::fs::File::open(&staged)
        .and_then(|f| f.sync_all())
        .map_err(BackupError::io(&staged))?;
    std::fs::rename(&staged, &target).map_err(BackupError::io(&target))
}

async fn restore_postgres(
    database: &Path,
    url: &str,
    pg_tools: &PgTools,
) -> Result<(), BackupError> {
    let db = Db::connect(url).await?;
    let tables: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = 'public'",
    )
    .fetch_one(db.pool())
    .await?;
    db.close().await;
    if tables > 0 {
        return Err(BackupError::NotEmpty(format!(
            "the database holds {tables} table(s)"
        )));
    }
    let args = [
        "--no-owner".as_ref(),
        "--no-privileges".as_ref(),
        "--exit-on-error".as_ref(),
        "--single-transaction".as_ref(),
        database.as_os_str(),
    ];
    pg_tools.run("pg_restore", url, &args).await
}
