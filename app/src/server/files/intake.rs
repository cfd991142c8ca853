//! What every upload goes through, whatever it is for: the name checked, the content judged
//! against the purpose (off the async threads), the bytes stored under a fresh name, and the
//! row written in the caller's transaction. Only then is a file a file.

use super::errors::FileError;
use super::judge;
use super::names;
use super::spool::Spooled;
use super::storage::Storage;
use crate::model::{FileId, FileSummary, FileType, Purpose, UploadProblem, UserId, WorkspaceId};
use crate::server::platform::error::DomainError;

/// An upload whose name and content passed for its purpose.
pub struct Judged {
    pub name: String,
    pub file_type: FileType,
    pub upload: Spooled,
}

pub async fn judge(purpose: Purpose, name: &str, upload: Spooled) -> Result<Judged, FileError> {
    // The route cuts a stream off at the purpose's limit; this holds it for every caller.
    if upload.size > purpose.max_bytes() {
        let problem = UploadProblem::TooLarge;
        return Err(FileError::refused(
            problem,
            problem.message(&purpose.limits_text()),
        ));
    }
    let name = names::clean(name).map_err(|e| FileError::refused(UploadProblem::Name, e))?;
    let (judged, upload, name) = tokio::task::spawn_blocking(move || {
        let judged = judge::judge(upload.path(), &name, purpose.types());
        (judged, upload, name)
    })
    .await
    .map_err(|e| DomainError::Internal(format!("file check: {e}")))?;
    Ok(Judged {
        name,
        file_type: judged?,
        upload,
    })
}

/// A judged upload whose bytes are in the store, waiting for its row.
pub struct Stored {
    pub id: FileId,
    pub object: String,
    pub judged: Judged,
    pub sealed: bool,
}

pub async fn store(storage: &Storage, judged: Judged) -> Result<Stored, FileError> {
    let object = storage.store(&judged.upload).await?;
    Ok(Stored {
        id: FileId::fresh(),
        object,
        judged,
        sealed: storage.seals(),
    })
}

impl Stored {
    /// Writes the file's row in `tx`; `record` is the purpose's column and the record's id.
    pub async fn insert(
        &self,
        tx: &mut sqlx::AnyConnection,
        workspace: &WorkspaceId,
        purpose: Purpose,
        record: Option<(&str, &str)>,
        uploader: &UserId,
        now: i64,
    ) -> Result<(), DomainError> {
        let (column, value) = match record {
            Some((column, id)) => (format!(", {column}"), Some(id)),
            None => (String::new(), None),
        };
        let extra = if value.is_some() { ", $12" } else { "" };
        let j = &self.judged;
        let sql = format!(
            "INSERT INTO files (id, workspace_id, purpose, object_key, name, size, content_type, \
             sha256, sealed, uploaded_by, created_at{column}) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11{extra})"
        );
        let mut q = sqlx::query(&sql)
            .bind(self.id.as_str())
            .bind(workspace.as_str())
            .bind(purpose.as_str())
            .bind(&self.object)
            .bind(&j.name)
            .bind(i64::try_from(j.upload.size).unwrap_or(i64::MAX))
            .bind(j.file_type.media_type())
            .bind(&j.upload.sha256)
            .bind(i64::from(self.sealed))
            .bind(uploader.as_str())
            .bind(now);
        if let Some(value) = value {
            q = q.bind(value);
        }
        q.execute(&mut *tx).await?;
        Ok(())
    }

    /// Takes the bytes back out of the store when the row could not be written.
    pub async fn undo(&self, storage: &Storage) -> Result<(), FileError> {
        storage.remove(&self.object).await?;
        Ok(())
    }

    pub fn summary(&self, uploader: &UserId, now: i64) -> FileSummary {
        FileSummary {
            id: self.id.clone(),
            name: self.judged.name.clone(),
            size: self.judged.upload.size,
            file_type: self.judged.file_type,
            uploaded_by: uploader.clone(),
            uploaded_by_name: String::new(),
            created_at_ms: now,
        }
    }
}
