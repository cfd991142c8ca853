//! The backups register: every run of a backup, kept with its outcome, size and checksum, and
//! told to each workspace's audit trail (a backup holds every workspace's data).

use sqlx::Row;

use super::snapshot::Taken;
use crate::model::BackupItem;
use crate::permissions::keys;
use crate::server::access::grants::Grant;
use crate::server::audit::append::{append, Actor, Event, Outcome};
use crate::server::audit::chain;
use crate::server::platform::db::Db;
use crate::server::platform::error::DomainError;

/// Runs shown on the register's page.
const SHOWN: i64 = 60;

/// What started a run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Trigger {
    /// `server backup`.
    Command,
    /// The server's nightly schedule.
    Nightly,
}

impl Trigger {
    fn key(self) -> &'static str {
        match self {
            Self::Command => "command",
            Self::Nightly => "nightly",
        }
    }
}

/// One finished run: the snapshot, or why there is none.
pub struct Run<'a> {
    pub trigger: Trigger,
    pub started_ms: i64,
    pub finished_ms: i64,
    pub result: Result<&'a Taken, String>,
}

/// Keeps `run` in the register and appends it to every workspace's trail.
pub async fn record(db: &Db, run: &Run<'_>) -> Result<(), DomainError> {
    let id = uuid::Uuid::now_v7().to_string();
    let (outcome, name, size, files, checksum, error) = match &run.result {
        Ok(taken) => (
            Outcome::Done,
            taken.name.clone(),
            taken.manifest.size(),
            taken.manifest.files().count(),
            Some(taken.checksum.as_str()),
            None,
        ),
        Err(error) => (
            Outcome::Failed,
            String::new(),
            0,
            0,
            None,
            Some(error.as_str()),
        ),
    };
    let (size, files) = (
        i64::try_from(size).unwrap_or(i64::MAX),
        i64::try_from(files).unwrap_or(i64::MAX),
    );
    sqlx::query(
        "INSERT INTO backups (id, started_ms, finished_ms, trigger, outcome, name, size_bytes, \
         files, checksum, error) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(&id)
    .bind(run.started_ms)
    .bind(run.finished_ms)
    .bind(run.trigger.key())
    .bind(outcome.key())
    .bind(&name)
    .bind(size)
    .bind(files)
    .bind(checksum)
    .bind(error)
    .execute(db.pool())
    .await?;
    let after = serde_json::json!({
        "backup": id,
        "trigger": run.trigger.key(),
        "size_bytes": size,
        "files": files,
        "checksum": checksum,
    })
    .to_string();
    for workspace in chain::workspaces(db).await? {
        let mut tx = db.begin_in(&workspace, true).await?;
        let event = Event {
            actor: Actor::System,
            action: "backup.taken",
            target: &id,
            outcome,
            reason: error.map(|_| "the backup failed; the server log says why"),
            before: None,
            after: Some(after.clone()),
            origin: None,
            count: 1,
            at_ms: run.finished_ms,
        };
        append(&mut tx, &workspace, event).await?;
        tx.commit().await?;
    }
    Ok(())
}

/// The newest runs, for holders of `audit.read` in any workspace: a deployment's backups cover
/// every workspace alike. Why a run failed stays in the server's log.
pub async fn list(
    db: &Db,
    _grant: &Grant<keys::AuditRead>,
) -> Result<Vec<BackupItem>, DomainError> {
    let rows = sqlx::query(
        "SELECT id, started_ms, finished_ms, trigger, outcome, size_bytes, files, checksum \
         FROM backups ORDER BY started_ms DESC, id DESC LIMIT $1",
    )
    .bind(SHOWN)
    .fetch_all(db.pool())
    .await?;
    rows.iter()
        .map(|r| {
            Ok(BackupItem {
                id: r.try_get("id")?,
                started_ms: r.try_get("started_ms")?,
                finished_ms: r.try_get("finished_ms")?,
                nightly: r.try_get::<String, _>("trigger")? == "nightly",
                done: r.try_get::<String, _>("outcome")? == "done",
                size_bytes: r.try_get("size_bytes")?,
                files: r.try_get("files")?,
                checksum: r.try_get("checksum")?,
            })
        })
        .collect::<Result<_, sqlx::Error>>()
        .map_err(Into::into)
}
