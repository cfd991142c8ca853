//! Taking a snapshot while the server runs: the database as of one instant (SQLite's
//! `VACUUM INTO` reads in one transaction beside the writers; `pg_dump` likewise), then every
//! stored file as it is at rest (sealed files stay sealed), then the manifest. It is written
//! under `<name>.partial` and renamed only when complete, so a snapshot cut short never looks
//! like one.
//!
//! The database is copied first: a file uploaded after that instant is copied too, harmlessly
//! (no row names it, and the sweeper removes it after a restore). A file removed in between may
//! be missing from the copy although the database copy still names it; the download then
//! answers "not found", as it would for any lost object.

use std::path::{Path, PathBuf};

use futures::StreamExt;
use tokio::io::AsyncWriteExt;

use super::manifest::{self, Manifest, Part};
use super::pg_tools::PgTools;
use super::BackupError;
use crate::server::files::storage::Storage;
use crate::server::platform::db::{Backend, Db};
use crate::server::platform::dirs::private_dir;

/// A complete snapshot.
#[derive(Debug)]
pub struct Taken {
    /// The directory's name under the backup directory.
    pub name: String,
    pub dir: PathBuf,
    pub manifest: Manifest,
    /// SHA-256 of the manifest as written, which pins every part's checksum.
    pub checksum: String,
}

/// What a snapshot is taken of, and with what.
pub struct Source<'a> {
    pub db: &'a Db,
    /// The URL `db` was opened with: `pg_dump` connects by it.
    pub database_url: &'a str,
    pub storage: &'a Storage,
    pub pg_tools: &'a PgTools,
}

/// A snapshot's directory name: when it was taken, in UTC, to the millisecond, so names sort
/// by time.
pub fn name_at(ms: i64) -> String {
    let at = chrono::DateTime::from_timestamp_millis(ms).unwrap_or_default();
    format!("gatehouse-{}", at.format("%Y%m%dT%H%M%S%.3fZ"))
}

/// Takes a snapshot into a new directory under `root`.
pub async fn take(source: &Source<'_>, root: &Path, now_ms: i64) -> Result<Taken, BackupError> {
    private_dir(root).map_err(BackupError::io(root))?;
    let name = name_at(now_ms);
    let (partial, dir) = (root.join(format!("{name}.partial")), root.join(&name));
    if dir.exists() {
        return Err(BackupError::Refused(format!(
            "{} exists already",
            dir.display()
        )));
    }
    std::fs::create_dir(&partial).map_err(BackupError::io(&partial))?;
    match write(source, &partial, now_ms).await {
        Ok((manifest, checksum)) => {
            std::fs::rename(&partial, &dir).map_err(BackupError::io(&dir))?;
            Ok(Taken {
                name,
                dir,
                manifest,
                checksum,
            })
        }
        Err(e) => {
            if let Err(left) = std::fs::remove_dir_all(&partial) {
                tracing::warn!(error = %left, dir = %partial.display(), "partial backup left behind");
            }
            Err(e)
        }
    }
}

async fn write(
    source: &Source<'_>,
    dir: &Path,
    now_ms: i64,
) -> Result<(Manifest, String), BackupError> {
    let backend = source.db.backend();
    let database = manifest::database_part(backend.name());
    let schema_version = source.db.schema_version().await?;
    let target = dir.join(database);
    match backend {
        Backend::Sqlite => {
            sqlx::query("VACUUM INTO $1")
                .bind(target.to_string_lossy().as_ref())
                .execute(source.db.pool())
                .await?;
        }
        Backend::Postgres => {
            let args = [
                "--format=custom".as_ref(),
                "--no-owner".as_ref(),
                "--no-privileges".as_ref(),
                "--file".as_ref(),
                target.as_os_str(),
            ];
            source
                .pg_tools
                .run("pg_dump", source.database_url, &args)
                .await?;
        }
    }
    let mut paths = vec![database.to_owned()];
    for object in source.storage.names().await? {
        let path = format!("{}/{object}", manifest::FILES_DIR);
        copy_object(source.storage, &object, &dir.join(&path)).await?;
        paths.push(path);
    }
    let dir_owned = dir.to_owned();
    let parts = tokio::task::spawn_blocking(move || digest_all(&dir_owned, paths))
        .await
        .map_err(|e| BackupError::Refused(format!("checksums: {e}")))??;
    let manifest = Manifest {
        format: manifest::FORMAT,
        gatehouse: env!("CARGO_PKG_VERSION").to_owned(),
        database: backend.name().to_owned(),
        schema_version,
        created_ms: now_ms,
        parts,
    };
    let json = manifest.to_json();
    let path = dir.join(manifest::FILE);
    write_synced(&path, &json)?;
    Ok((manifest, crate::server::platform::digest::sha256_hex(&json)))
}

/// Copies one stored object's bytes as they are at rest.
async fn copy_object(storage: &Storage, name: &str, to: &Path) -> Result<(), BackupError> {
    if let Some(parent) = to.parent() {
        tokio::fs::create_dir_all(parent)
            .await
            .map_err(BackupError::io(parent))?;
    }
    let mut file = tokio::fs::File::create(to)
        .await
        .map_err(BackupError::io(to))?;
    let mut bytes = storage.stream_all(name, false).await?;
    while let Some(chunk) = bytes.next().await {
        file.write_all(&chunk?).await.map_err(BackupError::io(to))?;
    }
    file.sync_all().await.map_err(BackupError::io(to))
}

/// Each part's size and checksum, after making sure it is on disk.
fn digest_all(dir: &Path, paths: Vec<String>) -> Result<Vec<Part>, BackupError> {
    paths
        .into_iter()
        .map(|path| {
            let file = dir.join(&path);
            std::fs::File::open(&file)
                .and_then(|f| f.sync_all())
                .map_err(BackupError::io(&file))?;
            Ok(Part {
                path,
                ..manifest::digest(&file)?
            })
        })
        .collect()
}

fn write_synced(path: &Path, bytes: &[u8]) -> Result<(), BackupError> {
    use std::io::Write;
    let mut file = std::fs::File::create(path).map_err(BackupError::io(path))?;
    file.write_all(bytes)
        .and_then(|()| file.sync_all())
        .map_err(BackupError::io(path))
}

#[cfg(test)]
mod tests {
    #[test]
    fn names_sort_by_time() {
        assert_eq!(
            super::name_at(1_796_567_553_123),
            "gatehouse-20261206T143233.123Z"
        );
        assert!(super::name_at(1_000) < super::name_at(2_000));
    }
}
