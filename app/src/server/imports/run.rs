//! One import run, in the background: check every row (refused rows, and repeats within the
//! file, go to the report), match duplicates among the records the importer reaches, then
//! write — all in one transaction when the person chose "import nothing if any row is
//! refused", batch by batch otherwise. Progress is kept in memory for this process's pages
//! and saved to the database between batches for the others; a cancel is looked for between
//! batches, from either.
//!
//! An all-or-nothing write saves no progress until it commits: on SQLite a second writer
//! would wait for it, and the page of the same process reads the in-memory count instead.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, LazyLock, Mutex};

use super::kit::{Importer, Mapping};
use super::source;
use super::store::{self, Counts};
use crate::model::{ImportId, ImportPlan, ImportProblem, ImportStatus, OnDuplicate, OnRefusal};
use crate::server::access::audit::{self, Change};
use crate::server::access::grants::Grant;
use crate::server::files::storage::Storage;
use crate::server::platform::clock::Clock;
use crate::server::platform::db::Db;
use crate::server::platform::error::DomainError;

/// Rows checked between progress saves.
const CHECK_STEP: usize = 5_000;
/// Rows per write batch (and per transaction when importing the valid rows).
const WRITE_BATCH: usize = 500;
/// Emails (SKUs) per duplicate lookup.
const LOOKUP_BATCH: usize = 500;

/// A run of this process, as its pages read it.
#[derive(Default)]
struct Live {
    counts: Mutex<Counts>,
    cancel: AtomicBool,
}

impl Live {
    fn set(&self, counts: Counts) {
        if let Ok(mut c) = self.counts.lock() {
            *c = counts;
        }
    }
}

static RUNNING: LazyLock<Mutex<HashMap<ImportId, Arc<Live>>>> = LazyLock::new(Mutex::default);

fn running(id: &ImportId) -> Option<Arc<Live>> {
    RUNNING.lock().ok()?.get(id).cloned()
}

/// The counts of a run of this process, fresher than the database's.
pub fn live_counts(id: &ImportId) -> Option<Counts> {
    running(id).and_then(|l| l.counts.lock().ok().map(|c| *c))
}

/// Asks a run of this process to stop; false if it runs elsewhere (or not at all).
pub fn cancel_here(id: &ImportId) -> bool {
    running(id).is_some_and(|l| {
        l.cancel.store(true, Ordering::Relaxed);
        true
    })
}

/// Everything a run needs, checked before it was started.
pub struct Job<I: Importer> {
    pub db: Db,
    pub clock: Clock,
    pub storage: Storage,
    pub grant: Grant<I::Key>,
    /// Present when duplicates update their record: the proof the importer may.
    pub update: Option<Grant<I::UpdateKey>>,
    pub id: ImportId,
    pub object: String,
    pub sealed: bool,
    pub file_name: String,
    pub plan: ImportPlan,
    pub mapping: Mapping,
}

/// How a run ended.
struct Ended {
    status: ImportStatus,
    counts: Counts,
    message: Option<&'static str>,
}

enum Write<R> {
    Create(R),
    Update(String, R),
}

/// Starts the run on the runtime; it ends on its own, recording how.
pub fn spawn<I: Importer>(job: Job<I>) {
    let live = Arc::new(Live::default());
    if let Ok(mut all) = RUNNING.lock() {
        all.insert(job.id.clone(), live.clone());
    }
    tokio::spawn(async move {
        let ended = match job.work(&live).await {
            Ok(ended) => ended,
            Err(e) => {
                tracing::error!(import = %job.id, error = %e, "import failed");
                let counts = live_counts(&job.id).unwrap_or_default();
                let message = match job.plan.on_refusal {
                    OnRefusal::ImportNothing => {
                        "The import stopped on an error on our side; nothing was written."
                    }
                    OnRefusal::ImportValid => {
                        "The import stopped on an error on our side; rows written before it stay."
                    }
                };
                Ended {
                    status: ImportStatus::Failed,
                    counts,
                    message: Some(message),
                }
            }
        };
        if let Err(e) = job.end(&ended).await {
            tracing::error!(import = %job.id, error = %e, "import outcome not saved");
        }
        if let Ok(mut all) = RUNNING.lock() {
            all.remove(&job.id);
        }
    });
}

impl<I: Importer> Job<I> {
    async fn cancelled(&self, live: &Live) -> Result<bool, DomainError> {
        Ok(live.cancel.load(Ordering::Relaxed)
            || store::cancel_asked(&self.db, self.grant.workspace(), &self.id).await?)
    }

    async fn saved(&self, live: &Live, counts: Counts) -> Result<bool, DomainError> {
        live.set(counts);
        let asked = store::progress(
            &self.db,
            self.grant.workspace(),
            &self.id,
            counts,
            self.clock.now_ms(),
        )
        .await?;
        Ok(asked || live.cancel.load(Ordering::Relaxed))
    }

    fn cancelled_with(counts: Counts, message: &'static str) -> Ended {
        Ended {
            status: ImportStatus::Cancelled,
            counts,
            message: Some(message),
        }
    }

    async fn work(&self, live: &Live) -> Result<Ended, DomainError> {
        let bytes = self
            .storage
            .read(&self.object, self.sealed)
            .await
            .map_err(|e| DomainError::Internal(format!("import file: {e}")))?;
        let setup = {
            let mut tx = self.grant.begin(&self.db, false).await?;
            let setup = I::setup(&mut tx, &self.grant, &self.plan).await?;
            tx.commit().await?;
            setup
        };
        let mut counts = Counts::default();
        let mut problems = Vec::new();
        let mut valid = Vec::new();
        let mut first_line: HashMap<String, u64> = HashMap::new();
        let label = I::LIST.match_label();
        for (n, item) in source::rows(&bytes)?.enumerate() {
            let (line, record) = item?;
            match I::check(&setup, &self.mapping.values(&record)) {
                Ok(row) => match I::match_key(&row) {
                    Some(key) => match first_line.get(&key) {
                        Some(first) => problems.push(ImportProblem {
                            line,
                            field: I::MATCH_FIELD.to_owned(),
                            message: format!("Repeats the {label} of row {first}."),
                        }),
                        None => {
                            first_line.insert(key, line);
                            valid.push((line, row));
                        }
                    },
                    None => valid.push((line, row)),
                },
                Err(p) => problems.push(ImportProblem {
                    line,
                    field: p.field.to_owned(),
                    message: p.message,
                }),
            }
            if (n + 1).is_multiple_of(CHECK_STEP) {
                counts.checked = n as u64 + 1;
                if self.saved(live, counts).await? {
                    return Ok(Self::cancelled_with(
                        counts,
                        "Cancelled while checking; nothing was written.",
                    ));
                }
                tokio::task::yield_now().await;
            }
        }
        counts.checked = (valid.len() + problems.len()) as u64;
        let writes = self.match_duplicates(valid, &mut problems).await?;
        problems.sort_by_key(|p| p.line);
        counts.refused = problems.len() as u64;
        store::save_problems(&self.db, self.grant.workspace(), &self.id, &problems).await?;
        if self.saved(live, counts).await? {
            return Ok(Self::cancelled_with(
                counts,
                "Cancelled while checking; nothing was written.",
            ));
        }
        if !problems.is_empty() && self.plan.on_refusal == OnRefusal::ImportNothing {
            return Ok(Ended {
                status: ImportStatus::Refused,
                counts,
                message: None,
            });
        }
        self.write(live, &setup, &writes, counts).await
    }

    /// Splits the checked rows into new records and updates; a duplicate is refused unless
    /// the person chose to update.
    async fn match_duplicates(
        &self,
        valid: Vec<(u64, I::Row)>,
        problems: &mut Vec<ImportProblem>,
    ) -> Result<Vec<Write<I::Row>>, DomainError> {
        let keys: Vec<String> = valid.iter().filter_map(|(_, r)| I::match_key(r)).collect();
        let mut existing = HashMap::new();
        let mut tx = self.grant.begin(&self.db, false).await?;
        for chunk in keys.chunks(LOOKUP_BATCH) {
            let found = match &self.update {
                Some(update) => I::existing(&mut tx, update, chunk).await?,
                None => I::existing(&mut tx, &self.grant, chunk).await?,
            };
            existing.extend(found);
        }
        let locked = match self.plan.on_duplicate {
            OnDuplicate::Update => I::locked(&mut tx, self.grant.workspace()).await?,
            _ => HashMap::new(),
        };
        tx.commit().await?;
        let noun = I::LIST.noun();
        let label = I::LIST.match_label();
        let mut writes = Vec::with_capacity(valid.len());
        for (line, row) in valid {
            match I::match_key(&row).and_then(|k| existing.get(&k)) {
                None => writes.push(Write::Create(row)),
                Some(id) if self.plan.on_duplicate == OnDuplicate::Update => match locked.get(id) {
                    Some(why) => problems.push(ImportProblem {
                        line,
                        field: I::MATCH_FIELD.to_owned(),
                        message: (*why).to_owned(),
                    }),
                    None => writes.push(Write::Update(id.clone(), row)),
                },
                Some(_) => problems.push(ImportProblem {
                    line,
                    field: I::MATCH_FIELD.to_owned(),
                    message: format!("A {noun} with this {label} already exists."),
                }),
            }
        }
        Ok(writes)
    }

    async fn write_batch(
        &self,
        conn: &mut sqlx::AnyConnection,
        setup: &I::Setup,
        batch: &[Write<I::Row>],
        counts: &mut Counts,
    ) -> Result<(), DomainError> {
        for write in batch {
            match write {
                Write::Create(row) => {
                    I::insert(conn, &self.clock, &self.grant, setup, row).await?;
                    counts.created += 1;
                }
                Write::Update(id, row) => {
                    let update = self.update.as_ref().ok_or_else(|| {
                        DomainError::Internal("an update without its grant".into())
                    })?;
                    I::update(conn, &self.clock, update, id, row).await?;
                    counts.updated += 1;
                }
            }
        }
        Ok(())
    }

    async fn write(
        &self,
        live: &Live,
        setup: &I::Setup,
        writes: &[Write<I::Row>],
        mut counts: Counts,
    ) -> Result<Ended, DomainError> {
        let mut tx = self.grant.begin(&self.db, true).await?;
        for batch in writes.chunks(WRITE_BATCH) {
            self.write_batch(&mut tx, setup, batch, &mut counts).await?;
            match self.plan.on_refusal {
                OnRefusal::ImportNothing => {
                    live.set(counts);
                    if self.cancelled(live).await? {
                        tx.rollback().await?;
                        counts.created = 0;
                        counts.updated = 0;
                        return Ok(Self::cancelled_with(
                            counts,
                            "Cancelled; nothing was written.",
                        ));
                    }
                }
                OnRefusal::ImportValid => {
                    self.audit(&mut tx, counts).await?;
                    tx.commit().await?;
                    if self.saved(live, counts).await? {
                        return Ok(Self::cancelled_with(
                            counts,
                            "Cancelled; the rows written before then stay.",
                        ));
                    }
                    tx = self.grant.begin(&self.db, true).await?;
                }
            }
            tokio::task::yield_now().await;
        }
        if self.plan.on_refusal == OnRefusal::ImportNothing {
            self.audit(&mut tx, counts).await?;
        }
        tx.commit().await?;
        Ok(Ended {
            status: ImportStatus::Done,
            counts,
            message: None,
        })
    }

    /// One audit entry per committed batch, in its transaction: the import, the file and
    /// how many records it has created and updated so far.
    async fn audit(
        &self,
        conn: &mut sqlx::AnyConnection,
        counts: Counts,
    ) -> Result<(), DomainError> {
        let action = format!("{}.import", I::LIST.noun());
        let change = Change {
            action: &action,
            target: self.id.as_str(),
            before: None,
            after: Some(serde_json::json!({
                "file": self.file_name,
                "created": counts.created,
                "updated": counts.updated,
                "refused": counts.refused,
            })),
        };
        audit::record(conn, &self.clock, self.grant.acting(), change).await
    }

    async fn end(&self, ended: &Ended) -> Result<(), DomainError> {
        store::finish(
            &self.db,
            self.grant.workspace(),
            &self.id,
            ended.status,
            ended.counts,
            ended.message,
            self.clock.now_ms(),
        )
        .await
    }
}
