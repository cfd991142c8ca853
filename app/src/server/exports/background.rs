//! A list exported in the background: the same walk as a streamed export (the same checks
//! before it starts, the same batches, each batch checking the role's export restriction
//! again), written to a private spool file and then to file storage — sealed when a key is
//! configured — for its person to download from the export's page. Progress is saved after
//! each batch, and a cancel (from any server) is looked for there; a cancelled or failed run
//! keeps no file.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, LazyLock, Mutex};

use super::kit::Exporter;
use super::runs::{self, Ending};
use super::stream::{self, Request, Walk};
use crate::model::{ExportId, ExportStatus};
use crate::server::files::spool::{self, SpoolError};
use crate::server::files::storage::Storage;
use crate::server::platform::clock::Clock;
use crate::server::platform::db::Db;
use crate::server::platform::error::DomainError;

/// Runs of this process that were asked to stop: the flag is seen at the next batch without
/// waiting for the database.
static STOPPING: LazyLock<Mutex<HashMap<ExportId, Arc<AtomicBool>>>> =
    LazyLock::new(Mutex::default);

/// Starts an export of `E`'s list in the background; answers its id for the export's page.
/// A refused key, restriction or filter is refused here, before the run exists.
pub async fn start<E: Exporter>(
    db: &Db,
    clock: &Clock,
    storage: &Storage,
    asked: Request<'_, E>,
) -> Result<ExportId, DomainError> {
    let workspace = asked.read.workspace().clone();
    runs::tidy(db, storage, &workspace, clock.now_ms()).await?;
    let walk = stream::start::<E>(
        db,
        clock,
        Request {
            background: true,
            ..asked
        },
    )
    .await?;
    let id = walk.recorded().id().clone();
    let stop = Arc::new(AtomicBool::new(false));
    if let Ok(mut all) = STOPPING.lock() {
        all.insert(id.clone(), stop.clone());
    }
    let run = Run {
        db: db.clone(),
        clock: clock.clone(),
        storage: storage.clone(),
        stop,
    };
    tokio::spawn(run.work(walk));
    Ok(id)
}

/// Asks a run of this process to stop at its next batch (the database carries the request to
/// the others).
pub fn stop_here(id: &ExportId) {
    if let Some(flag) = STOPPING.lock().ok().and_then(|all| all.get(id).cloned()) {
        flag.store(true, Ordering::Relaxed);
    }
}

/// Why a run stopped before its end.
#[derive(Debug, thiserror::Error)]
enum Halt {
    #[error("cancelled")]
    Cancelled,
    #[error(transparent)]
    Failed(#[from] DomainError),
}

struct Run {
    db: Db,
    clock: Clock,
    storage: Storage,
    stop: Arc<AtomicBool>,
}

impl Run {
    async fn work<E: Exporter>(self, walk: Walk<E>) {
        let recorded = walk.recorded().clone();
        let id = recorded.id().clone();
        let rows = AtomicU64::new(0);
        let ending = self.write(walk, &rows).await;
        let done = rows.load(Ordering::Relaxed);
        let (status, message, stored) = match ending {
            Ok(stored) => (ExportStatus::Done, None, Some(stored)),
            Err(Halt::Cancelled) => (
                ExportStatus::Cancelled,
                Some("Cancelled. No file was kept; export the list again when you need it."),
                None,
            ),
            Err(Halt::Failed(e)) => {
                tracing::error!(export = %id, error = %e, "background export failed");
                (
                    ExportStatus::Failed,
                    Some("The export stopped on an error on our side. Try again."),
                    None,
                )
            }
        };
        let ending = Ending {
            status,
            rows: done,
            file: stored.as_ref().map(|(object, size)| runs::File {
                object_name: object,
                sealed: self.storage.seals(),
                size: *size,
            }),
            message,
        };
        if let Err(e) = runs::end(&self.db, &recorded, &ending, self.clock.now_ms()).await {
            tracing::error!(export = %id, error = %e, "background export's end not saved");
            if let Some((object, _)) = &stored {
                if let Err(e) = self.storage.remove(object).await {
                    tracing::warn!(export = %id, error = %e, "unrecorded export file left");
                }
            }
        }
        if let Ok(mut all) = STOPPING.lock() {
            all.remove(&id);
        }
    }

    /// Writes the file; answers its object's name and size.
    async fn write<E: Exporter>(
        &self,
        walk: Walk<E>,
        rows: &AtomicU64,
    ) -> Result<(String, u64), Halt> {
        let chunks = futures::stream::unfold(walk, |mut walk| async move {
            let chunk = walk.next().await?;
            let saved = match chunk {
                Ok(bytes) => self.saved(&walk, rows).await.map(|()| bytes),
                Err(e) => Err(Halt::Failed(e)),
            };
            Some((saved, walk))
        });
        let spooled = spool::spool::<_, Halt>(self.storage.spool_dir(), chunks, u64::MAX)
            .await
            .map_err(|e| match e {
                SpoolError::Broken(halt) => halt,
                other => Halt::Failed(DomainError::Internal(format!("export spool: {other}"))),
            })?;
        let object = self
            .storage
            .store(&spooled)
            .await
            .map_err(|e| DomainError::Internal(format!("export file: {e}")))?;
        Ok((object, spooled.size))
    }

    /// After a batch: the progress saved, and whether to go on.
    async fn saved<E: Exporter>(&self, walk: &Walk<E>, rows: &AtomicU64) -> Result<(), Halt> {
        rows.store(walk.rows(), Ordering::Relaxed);
        let asked =
            runs::progress(&self.db, walk.recorded(), walk.rows(), self.clock.now_ms()).await?;
        if asked || self.stop.load(Ordering::Relaxed) {
            return Err(Halt::Cancelled);
        }
        Ok(())
    }
}
