//! Files attached to records. Which record a file may hang on, and which keys read and write
//! it, is declared once per holder ([`Holder`]); every function takes the grant of that
//! holder's key and finds the record within the grant's reach, so a file is never reached
//! around its record.

use sqlx::Row;

pub use super::errors::FileError;
pub use super::holders::{Holder, OnCustomer, OnDocument, OnOrder, OnPayment, OnTicket};
use super::intake;
use super::spool::Spooled;
use super::storage::{Storage, StorageError};
use crate::model::{FileId, FileSummary, FileType, UserId};
use crate::permissions::Key;
use crate::server::access::grants::{Grant, Held};
use crate::server::platform::clock::Clock;
use crate::server::platform::db::Db;
use crate::server::platform::error::DomainError;
use crate::server::records::history;
use crate::server::records::kind::RecordKind;
use crate::server::records::scope;

async fn ensure_reach<K: Key>(
    db: &Db,
    kind: &RecordKind,
    grant: &Grant<K>,
    record: &str,
) -> Result<(), DomainError> {
    if scope::reaches(db, kind, grant, record).await? {
        Ok(())
    } else {
        Err(DomainError::NotFound)
    }
}

/// Attaches the spooled `upload`, sent as `name`, to the record `record` of `H`: the record
/// found within reach, then `intake`'s steps. A refusal at any step stores nothing.
pub async fn attach<H: Holder>(
    db: &Db,
    clock: &Clock,
    storage: &Storage,
    grant: &Grant<H::Write>,
    record: &str,
    name: &str,
    upload: Spooled,
) -> Result<FileSummary, FileError> {
    ensure_reach(db, H::kind(), grant, record).await?;
    let stored = intake::store(storage, intake::judge(H::PURPOSE, name, upload).await?).await?;
    let now = clock.now_ms();
    let summary = stored.summary(grant.user(), now);
    let inserted = async {
        let mut tx = grant.begin(db, true).await?;
        let column = Some((H::COLUMN, record));
        let (workspace, user) = (grant.workspace(), grant.user());
        stored
            .insert(&mut tx, workspace, H::PURPOSE, column, user, now)
            .await?;
        // The record's history names each file added (for a document: each new version).
        let event = history::Event {
            action: "file_added",
            id: record,
            before: None,
            after: Some(serde_json::json!({ "file": summary.name })),
        };
        history::record(&mut tx, clock, grant, H::kind(), event).await?;
        tx.commit().await?;
        Ok::<_, DomainError>(())
    }
    .await;
    if let Err(e) = inserted {
        stored.undo(storage).await?;
        return Err(e.into());
    }
    Ok(summary)
}

pub(crate) const SUMMARY_COLUMNS: &str = "f.id, f.name, f.size, f.content_type, f.uploaded_by, \
     u.display_name AS uploader, f.created_at";

pub(crate) fn summary(row: &sqlx::any::AnyRow) -> Result<FileSummary, DomainError> {
    let media: String = row.try_get("content_type")?;
    Ok(FileSummary {
        id: FileId::from_db(row.try_get("id")?),
        name: row.try_get("name")?,
        size: u64::try_from(row.try_get::<i64, _>("size")?).unwrap_or(0),
        file_type: FileType::from_media_type(&media)
            .ok_or_else(|| DomainError::Internal(format!("stored file type {media}")))?,
        uploaded_by: UserId::from_db(row.try_get("uploaded_by")?),
        uploaded_by_name: row.try_get("uploader")?,
        created_at_ms: row.try_get("created_at")?,
    })
}

/// The files on the record `record` of `H`, newest first.
pub async fn list<H: Holder>(
    db: &Db,
    grant: &Grant<H::Read>,
    record: &str,
) -> Result<Vec<FileSummary>, DomainError> {
    ensure_reach(db, H::kind(), grant, record).await?;
    let mut tx = grant.begin(db, false).await?;
    let rows = sqlx::query(&format!(
        "SELECT {SUMMARY_COLUMNS} FROM files f JOIN users u ON u.id = f.uploaded_by \
         WHERE f.workspace_id = $1 AND f.{} = $2 ORDER BY f.created_at DESC, f.id DESC",
        H::COLUMN
    ))
    .bind(grant.workspace().as_str())
    .bind(record)
    .fetch_all(&mut *tx)
    .await?;
    tx.commit().await?;
    rows.iter().map(summary).collect()
}

/// A file the caller may download, found through its record.
#[derive(Debug)]
pub struct Found {
    pub summary: FileSummary,
    pub sha256: String,
    object: String,
    sealed: bool,
}

impl Found {
    pub async fn read_all(&self, storage: &Storage) -> Result<bytes::Bytes, StorageError> {
        storage.read(&self.object, self.sealed).await
    }

    /// `Some` name of the stored object when it can be streamed as it is (not sealed).
    pub fn streamable(&self) -> Option<&str> {
        (!self.sealed).then_some(self.object.as_str())
    }
}

/// The file `id`, if the caller holds the read key of its record's kind and reaches the
/// record; otherwise `NotFound` — the same answer as for a file that does not exist, so ids of
/// other workspaces and of records out of scope say nothing. A missing key is a recorded
/// denial.
pub async fn find(db: &Db, held: &Held, id: &FileId) -> Result<Found, DomainError> {
    let mut tx = db.begin_in(held.workspace(), false).await?;
    let row = sqlx::query(&format!(
        "SELECT {SUMMARY_COLUMNS}, f.purpose, f.customer_id, f.order_id, f.ticket_id, \
         f.payment_id, f.document_id, f.object_key, f.sha256, f.sealed FROM files f JOIN users u ON u.id = f.uploaded_by \
         WHERE f.workspace_id = $1 AND f.id = $2"
    ))
    .bind(held.workspace().as_str())
    .bind(id.as_str())
    .fetch_optional(&mut *tx)
    .await?
    .ok_or(DomainError::NotFound)?;
    tx.commit().await?;
    let purpose: String = row.try_get("purpose")?;
    match purpose.as_str() {
        "customer_attachment" => reach_holder::<OnCustomer>(db, held, &row).await?,
        "order_attachment" => reach_holder::<OnOrder>(db, held, &row).await?,
        "ticket_attachment" => reach_holder::<OnTicket>(db, held, &row).await?,
        "payment_proof" => reach_holder::<OnPayment>(db, held, &row).await?,
        "document_version" => reach_holder::<OnDocument>(db, held, &row).await?,
        // The logo is the workspace's face: every member sees it in the top bar.
        "workspace_logo" => {}
        // Whoever may download a quote filled into the template may read the template.
        // The check is all that is needed: the template is the workspace's, not a record's.
        "quote_template" => held
            .grant::<crate::permissions::keys::QuotesRead>()
            .map(drop)?,
        other => return Err(DomainError::Internal(format!("file purpose {other}"))),
    }
    Ok(Found {
        summary: summary(&row)?,
        sha256: row.try_get("sha256")?,
        object: row.try_get("object_key")?,
        sealed: row.try_get::<i64, _>("sealed")? == 1,
    })
}

async fn reach_holder<H: Holder>(
    db: &Db,
    held: &Held,
    row: &sqlx::any::AnyRow,
) -> Result<(), DomainError> {
    let grant = held.grant::<H::Read>()?;
    let record: String = row.try_get(H::COLUMN)?;
    ensure_reach(db, H::kind(), &grant, &record).await
}

/// Records a download: who, what, when, from where (the request `held` serves), and which
/// part — in the file's log and in the trail.
pub async fn record_download(
    db: &Db,
    clock: &Clock,
    held: &Held,
    file: &Found,
    range: Option<&str>,
) -> Result<(), DomainError> {
    let origin = held.acting().origin.cloned().unwrap_or_default();
    let mut tx = db.begin_in(held.workspace(), true).await?;
    sqlx::query(
        "INSERT INTO file_downloads (id, workspace_id, file_id, file_name, user_id, ip, \
         user_agent, range_asked, at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(uuid::Uuid::now_v7().to_string())
    .bind(held.workspace().as_str())
    .bind(file.summary.id.as_str())
    .bind(&file.summary.name)
    .bind(held.user().as_str())
    .bind(origin.ip.as_deref())
    .bind(
        origin
            .user_agent
            .map(|ua| ua.chars().take(300).collect::<String>()),
    )
    .bind(range)
    .bind(clock.now_ms())
    .execute(&mut *tx)
    .await?;
    let change = crate::server::access::audit::Change {
        action: "file.download",
        target: file.summary.id.as_str(),
        before: None,
        after: Some(serde_json::json!({ "name": file.summary.name, "range": range })),
    };
    crate::server::access::audit::record(&mut tx, clock, held.acting(), change).await?;
    tx.commit().await?;
    Ok(())
}

/// Removes the file `id` from the record `record` of `H`, and its stored bytes.
pub async fn remove<H: Holder>(
    db: &Db,
    clock: &Clock,
    storage: &Storage,
    grant: &Grant<H::Write>,
    record: &str,
    id: &FileId,
) -> Result<(), FileError> {
    ensure_reach(db, H::kind(), grant, record).await?;
    let mut tx = grant.begin(db, true).await?;
    let row = sqlx::query(&format!(
        "DELETE FROM files WHERE workspace_id = $1 AND {} = $2 AND id = $3 \
         RETURNING object_key, name",
        H::COLUMN
    ))
    .bind(grant.workspace().as_str())
    .bind(record)
    .bind(id.as_str())
    .fetch_optional(&mut *tx)
    .await?
    .ok_or(DomainError::NotFound)?;
    // The record's history names each file removed, as it names each one added.
    let event = history::Event {
        action: "file_removed",
        id: record,
        before: Some(serde_json::json!({ "file": row.try_get::<String, _>("name")? })),
        after: None,
    };
    history::record(&mut tx, clock, grant, H::kind(), event).await?;
    tx.commit().await?;
    storage
        .remove(&row.try_get::<String, _>("object_key")?)
        .await?;
    Ok(())
}
