//! A whole workspace in one archive, for an Owner — what a closing workspace hands back before
//! it is deleted, and what an Owner may take at any time: every exportable list as the CSV file
//! its own exporter writes (so a list that declares itself an exporter joins by that alone), the
//! trail as the NDJSON file `server audit verify` checks offline, every stored file, and a
//! `manifest.json` giving each entry's size and SHA-256. The zip is written to a temporary file
//! in the spool directory, so memory stays at one stored file whatever the workspace's size;
//! the temporary file is gone once the download is dropped. Taking it is `workspace.export` in
//! the trail, with the archive's size and SHA-256.

use std::io::{Seek, SeekFrom, Write};

use sha2::{Digest, Sha256};
use sqlx::Row;

use crate::permissions::keys;
use crate::server::access::audit::{self, Change};
use crate::server::access::grants::{Grant, Owner};
use crate::server::audit::export as trail;
use crate::server::exports::kit::Exporter;
use crate::server::exports::stream::Walk;
use crate::server::files::names;
use crate::server::files::storage::Storage;
use crate::server::platform::clock::Clock;
use crate::server::platform::db::Db;
use crate::server::platform::digest::hex;
use crate::server::platform::error::DomainError;

/// The manifest's name for the format.
pub const FORMAT: &str = "gatehouse.workspace-export/1";

/// One entry of the archive, as the manifest lists it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Entry {
    pub path: String,
    pub size: u64,
    pub sha256: String,
    /// Rows of a list, entries of the trail; absent for a stored file.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rows: Option<u64>,
    /// What a stored file is (`document_version`, `customer_attachment`, …) and its name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub purpose: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

/// An archive being written. [`WorkspaceExport::begin`] takes the proof that the caller is an
/// Owner of the workspace ([`Grant::owner`]), so every part is added under that check.
pub struct WorkspaceExport {
    owner: Owner<keys::SettingsWrite>,
    zip: zip::ZipWriter<std::fs::File>,
    entries: Vec<Entry>,
}

/// The finished archive: a temporary file (deleted when dropped), read from its start.
pub struct Built {
    pub file: std::fs::File,
    pub file_name: String,
    pub size: u64,
    pub sha256: String,
    pub entries: Vec<Entry>,
}

crate::redacted_debug!(Built {
    file_name,
    size,
    sha256
});

fn failed(e: impl std::fmt::Display) -> DomainError {
    DomainError::Internal(format!("workspace export: {e}"))
}

/// Counts and hashes what passes through to the zip entry being written.
struct Hashing<'a, W: Write> {
    out: &'a mut W,
    hasher: Sha256,
    size: u64,
}

impl<'a, W: Write> Hashing<'a, W> {
    fn new(out: &'a mut W) -> Self {
        Self {
            out,
            hasher: Sha256::new(),
            size: 0,
        }
    }

    fn done(self) -> (u64, String) {
        (self.size, hex(&self.hasher.finalize()))
    }
}

impl<W: Write> Write for Hashing<'_, W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.out.write(buf)?;
        self.hasher.update(&buf[..n]);
        self.size += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.out.flush()
    }
}

impl WorkspaceExport {
    /// Starts an archive of the workspace of an Owner's grant.
    pub fn begin(
        storage: &Storage,
        owner: Owner<keys::SettingsWrite>,
    ) -> Result<Self, DomainError> {
        let file = tempfile::tempfile_in(storage.spool_dir()).map_err(failed)?;
        Ok(Self {
            owner,
            zip: zip::ZipWriter::new(file),
            entries: Vec::new(),
        })
    }

    fn options() -> zip::write::SimpleFileOptions {
        zip::write::SimpleFileOptions::default().large_file(true)
    }

    fn start(&mut self, path: &str) -> Result<(), DomainError> {
        self.zip.start_file(path, Self::options()).map_err(failed)
    }

    /// Adds a list's export as `records/{list}.csv`, written batch by batch as it is read.
    pub async fn add_list<E: Exporter>(&mut self, mut walk: Walk<E>) -> Result<(), DomainError> {
        let path = format!("records/{}.csv", E::LIST.name);
        self.start(&path)?;
        let mut out = Hashing::new(&mut self.zip);
        while let Some(chunk) = walk.next().await {
            out.write_all(&chunk?).map_err(failed)?;
        }
        let (size, sha256) = out.done();
        self.entries.push(Entry {
            path,
            size,
            sha256,
            rows: Some(walk.rows()),
            purpose: None,
            name: None,
        });
        Ok(())
    }

    /// Adds the workspace's trail as `audit/trail.ndjson`, checkpoints and hashes included.
    /// Reading the trail needs `audit.read`.
    pub async fn add_trail(
        &mut self,
        db: &Db,
        clock: &Clock,
        reader: &Grant<keys::AuditRead>,
    ) -> Result<(), DomainError> {
        let path = "audit/trail.ndjson".to_owned();
        self.start(&path)?;
        let mut out = Hashing::new(&mut self.zip);
        let rows = trail::workspace(db, clock, reader.workspace(), &mut out)
            .await
            .map_err(|e| match e {
                trail::ExportError::Domain(d) => d,
                trail::ExportError::Write(w) => failed(w),
            })?;
        let (size, sha256) = out.done();
        self.entries.push(Entry {
            path,
            size,
            sha256,
            rows: Some(rows),
            purpose: None,
            name: None,
        });
        Ok(())
    }

    /// Adds every file the workspace stores (attachments, document versions, its logo and
    /// templates) under `files/`, one read into memory at a time.
    pub async fn add_files(&mut self, db: &Db, storage: &Storage) -> Result<(), DomainError> {
        let mut tx = self.owner.grant().begin(db, false).await?;
        let files = sqlx::query(
            "SELECT id, purpose, name, object_key, sealed FROM files WHERE workspace_id = $1 \
             ORDER BY created_at, id",
        )
        .bind(self.owner.grant().workspace().as_str())
        .fetch_all(&mut *tx)
        .await?;
        tx.commit().await?;
        for file in files {
            let id: String = file.try_get("id")?;
            let name: String = file.try_get("name")?;
            let bytes = storage
                .read(
                    &file.try_get::<String, _>("object_key")?,
                    file.try_get::<i64, _>("sealed")? == 1,
                )
                .await
                .map_err(failed)?;
            let path = format!("files/{id}-{}", names::zip_safe(&name));
            self.start(&path)?;
            self.zip.write_all(&bytes).map_err(failed)?;
            self.entries.push(Entry {
                path,
                size: bytes.len() as u64,
                sha256: hex(&Sha256::digest(&bytes)),
                rows: None,
                purpose: Some(file.try_get("purpose")?),
                name: Some(name),
            });
        }
        Ok(())
    }

    /// Writes the manifest, closes the archive and records `workspace.export` in the trail.
    pub async fn finish(mut self, db: &Db, clock: &Clock) -> Result<Built, DomainError> {
        let workspace = self.owner.grant().workspace().clone();
        let mut tx = self.owner.grant().begin(db, false).await?;
        let (name, slug): (String, String) =
            sqlx::query("SELECT name, slug FROM workspaces WHERE id = $1")
                .bind(workspace.as_str())
                .fetch_one(&mut *tx)
                .await
                .and_then(|r| Ok((r.try_get("name")?, r.try_get("slug")?)))?;
        tx.commit().await?;
        let now = clock.now_ms();
        let manifest = serde_json::json!({
            "format": FORMAT,
            "workspace": { "id": workspace.as_str(), "name": name, "slug": slug },
            "exported_at_ms": now,
            "exported_by": self.owner.grant().user().as_str(),
            "entries": self.entries,
        });
        self.start("manifest.json")?;
        serde_json::to_writer_pretty(&mut self.zip, &manifest).map_err(failed)?;
        let mut file = self.zip.finish().map_err(failed)?;
        file.seek(SeekFrom::Start(0)).map_err(failed)?;
        let mut sink = std::io::sink();
        let mut hashing = Hashing::new(&mut sink);
        std::io::copy(&mut file, &mut hashing).map_err(failed)?;
        let (size, sha256) = hashing.done();
        file.seek(SeekFrom::Start(0)).map_err(failed)?;
        let mut tx = self.owner.grant().begin(db, true).await?;
        let change = Change {
            action: "workspace.export",
            target: workspace.as_str(),
            before: None,
            after: Some(serde_json::json!({
                "entries": self.entries.len(),
                "bytes": size,
                "sha256": sha256,
            })),
        };
        audit::record(&mut tx, clock, self.owner.grant().acting(), change).await?;
        tx.commit().await?;
        Ok(Built {
            file,
            file_name: format!("workspace-{slug}-{}.zip", crate::model::utc_date(now)),
            size,
            sha256,
            entries: self.entries,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashing_counts_and_digests_what_passes() {
        let mut out = Vec::new();
        let mut h = Hashing::new(&mut out);
        h.write_all(b"ab").unwrap();
        h.write_all(b"c").unwrap();
        let (size, sha) = h.done();
        assert_eq!(out, b"abc");
        assert_eq!(size, 3);
        // FIPS 180-2, appendix B.1.
        assert_eq!(
            sha,
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
