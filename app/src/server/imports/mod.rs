//! Data coming in as CSV. A person uploads a file (it is stored like any other, sealed when a
//! key is configured, and removed when the run ends), maps its columns to a kind's fields
//! with the first rows in view, and starts a run in the background: every row is checked, the
//! person chose whether refused rows stop the whole import or only themselves, and whether a
//! record with the same email (SKU) is updated or the row refused. A report lists each
//! refused row with its field and reason.
//!
//! An import is work on many records at once: it needs the kind's import key and a role that
//! allows bulk work, and only its uploader sees it.

pub mod endpoints;
pub mod kit;
pub mod report;
mod run;
pub mod source;
pub mod store;

use crate::model::{ImportId, ImportPlan, ImportStatus, ImportView, OnDuplicate};
use crate::server::access::grants::{Bulk, Grant};
use crate::server::files::names;
use crate::server::files::spool::Spooled;
use crate::server::files::storage::Storage;
use crate::server::platform::clock::Clock;
use crate::server::platform::db::Db;
use crate::server::platform::error::DomainError;

use self::kit::{Importer, Mapping};

/// The refused rows a page shows; the report has them all.
const PAGE_PROBLEMS: u32 = 20;

/// Takes an uploaded file for importing into `I`'s list; answers the new import, waiting for
/// its mapping. A file that is not a CSV with a header and rows is refused, naming `file`.
pub async fn receive<I: Importer>(
    db: &Db,
    clock: &Clock,
    storage: &Storage,
    bulk: &Bulk<'_, I::Key>,
    name: &str,
    upload: Spooled,
) -> Result<ImportId, DomainError> {
    let grant = bulk.grant();
    let file_name =
        names::clean(name).map_err(|refusal| DomainError::invalid("file", refusal.to_string()))?;
    let bytes = tokio::fs::read(upload.path())
        .await
        .map_err(|e| DomainError::Internal(format!("spooled import: {e}")))?;
    let sheet = source::inspect(&bytes)?;
    let now = clock.now_ms();
    store::tidy(db, grant.workspace(), now).await?;
    let object = storage
        .store(&upload)
        .await
        .map_err(|e| DomainError::Internal(format!("import file: {e}")))?;
    let new = store::New {
        workspace: grant.workspace(),
        user: grant.user(),
        list: I::LIST,
        file_name: &file_name,
        object_name: &object,
        sealed: storage.seals(),
        sheet: &sheet,
        now,
    };
    match store::insert(db, &new).await {
        Ok(id) => Ok(id),
        Err(e) => {
            if let Err(left) = storage.remove(&object).await {
                tracing::warn!(error = %left, "import file left behind");
            }
            Err(e)
        }
    }
}

async fn find<I: Importer>(
    db: &Db,
    grant: &Grant<I::Key>,
    id: &ImportId,
) -> Result<store::Stored, DomainError> {
    let stored = store::find(db, grant.workspace(), grant.user(), id).await?;
    if stored.list != I::LIST {
        return Err(DomainError::NotFound);
    }
    Ok(stored)
}

/// One of the caller's imports, with the fields to map and, once it ran, how it went.
pub async fn view<I: Importer>(
    db: &Db,
    grant: &Grant<I::Key>,
    id: &ImportId,
) -> Result<ImportView, DomainError> {
    let stored = find::<I>(db, grant, id).await?;
    let counts = match stored.status {
        ImportStatus::Running => run::live_counts(id).unwrap_or(stored.counts),
        _ => stored.counts,
    };
    let problems = if stored.status.finished() && counts.refused > 0 {
        store::problems(db, grant.workspace(), id, Some(PAGE_PROBLEMS)).await?
    } else {
        Vec::new()
    };
    Ok(ImportView {
        id: stored.id,
        list: stored.list,
        file_name: stored.file_name,
        fields: Mapping::guess(&I::fields(grant), &stored.headers),
        headers: stored.headers,
        preview: stored.preview,
        total_rows: stored.total_rows,
        status: stored.status,
        checked_rows: counts.checked,
        created_rows: counts.created,
        updated_rows: counts.updated,
        refused_rows: counts.refused,
        message: stored.message,
        problems,
    })
}

/// Starts a mapped import in the background. `update` is the proof that the caller may change
/// existing records, needed when duplicates are to update them.
pub async fn start<I: Importer>(
    db: &Db,
    clock: &Clock,
    storage: &Storage,
    grant: Grant<I::Key>,
    update: Option<Grant<I::UpdateKey>>,
    id: &ImportId,
    plan: ImportPlan,
) -> Result<(), DomainError> {
    // The run keeps the grant itself, for as long as it runs; the check is what matters here.
    drop(grant.bulk()?);
    let update = match plan.on_duplicate {
        OnDuplicate::Update => Some(update.ok_or(DomainError::Forbidden)?),
        OnDuplicate::Refuse => None,
    };
    let stored = find::<I>(db, &grant, id).await?;
    let (Some(object), ImportStatus::Mapping) = (stored.object_name, stored.status) else {
        return Err(DomainError::Conflict(
            "This import has already started.".into(),
        ));
    };
    let mapping = Mapping::check(&I::fields(&grant), &stored.headers, &plan)?;
    let mut tx = grant.begin(db, false).await?;
    I::setup(&mut tx, &grant, &plan).await?;
    tx.commit().await?;
    store::start(db, grant.workspace(), id, &plan, clock.now_ms()).await?;
    run::spawn::<I>(run::Job {
        db: db.clone(),
        clock: clock.clone(),
        storage: storage.clone(),
        grant,
        update,
        id: id.clone(),
        object,
        sealed: stored.sealed,
        file_name: stored.file_name,
        plan,
        mapping,
    });
    Ok(())
}

/// Asks one of the caller's running imports to stop at its next batch.
pub async fn cancel<I: Importer>(
    db: &Db,
    grant: &Grant<I::Key>,
    id: &ImportId,
) -> Result<(), DomainError> {
    let stored = find::<I>(db, grant, id).await?;
    if stored.status != ImportStatus::Running {
        return Err(DomainError::Conflict(
            "This import is no longer running.".into(),
        ));
    }
    if !run::cancel_here(id) && !store::ask_cancel(db, grant.workspace(), id).await? {
        return Err(DomainError::Conflict(
            "This import is no longer running.".into(),
        ));
    }
    Ok(())
}

/// The report of one of the caller's finished imports: each refused row as CSV.
pub async fn report<I: Importer>(
    db: &Db,
    grant: &Grant<I::Key>,
    id: &ImportId,
) -> Result<(String, Vec<u8>), DomainError> {
    let stored = find::<I>(db, grant, id).await?;
    let problems = store::problems(db, grant.workspace(), id, None).await?;
    Ok((stored.file_name, report::csv(&problems)?))
}
