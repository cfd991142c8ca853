//! The nightly backup: a time of day (UTC) and how many snapshots to keep. Every server process
//! looks each minute; the first to claim the day's slot takes the backup, and the others —
//! sharing the database — find the slot taken and leave it.

use std::path::Path;

use super::register::{self, Run, Trigger};
use super::snapshot::{self, Source, Taken};
use super::BackupError;
use crate::server::platform::claims;
use crate::server::platform::days::DAY_MS;
use crate::server::platform::error::DomainError;

/// The claims' job name.
pub const JOB: &str = "backup.nightly";

/// When to back up and how many snapshots to keep.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Nightly {
    minute_of_day: i64,
    keep: usize,
}

impl Nightly {
    /// `at` as `HH:MM` in UTC; `keep` at least one.
    pub fn parse(at: &str, keep: usize) -> Result<Self, String> {
        let time = chrono::NaiveTime::parse_from_str(at.trim(), "%H:%M")
            .map_err(|_| format!("{at:?} is not a time of day as HH:MM (UTC)"))?;
        if keep == 0 {
            return Err("keep at least one backup".into());
        }
        let minute_of_day = i64::from(chrono::Timelike::num_seconds_from_midnight(&time) / 60);
        Ok(Self {
            minute_of_day,
            keep,
        })
    }

    /// The day (`YYYY-MM-DD`) whose backup is due at `now_ms`: today, once its time has come.
    pub fn due_slot(&self, now_ms: i64) -> Option<String> {
        let since_midnight = now_ms.rem_euclid(DAY_MS);
        (since_midnight >= self.minute_of_day * 60_000).then(|| {
            chrono::DateTime::from_timestamp_millis(now_ms)
                .unwrap_or_default()
                .format("%Y-%m-%d")
                .to_string()
        })
    }

    pub fn keep(&self) -> usize {
        self.keep
    }
}

/// Takes a snapshot into `root` and keeps the run in the register, whatever its outcome.
pub async fn back_up(
    source: &Source<'_>,
    root: &Path,
    trigger: Trigger,
    clock: &crate::server::platform::clock::Clock,
) -> Result<Result<Taken, BackupError>, DomainError> {
    let started_ms = clock.now_ms();
    let taken = snapshot::take(source, root, started_ms).await;
    let run = Run {
        trigger,
        started_ms,
        finished_ms: clock.now_ms(),
        result: taken.as_ref().map_err(ToString::to_string),
    };
    register::record(source.db, &run).await?;
    Ok(taken)
}

/// What one look at the schedule did.
#[derive(Debug)]
pub enum Tick {
    /// Not yet time, or another process (or an earlier look) has the day.
    Nothing,
    /// This process took the day's backup; the snapshots it removed as beyond `keep`.
    Ran {
        taken: Result<Taken, BackupError>,
        pruned: Vec<String>,
    },
}

/// Takes today's backup if it is due and this process wins the day's claim.
pub async fn tick(
    source: &Source<'_>,
    root: &Path,
    nightly: &Nightly,
    holder: &str,
    clock: &crate::server::platform::clock::Clock,
) -> Result<Tick, DomainError> {
    let Some(slot) = nightly.due_slot(clock.now_ms()) else {
        return Ok(Tick::Nothing);
    };
    if !claims::claim(source.db, JOB, &slot, holder, clock.now_ms()).await? {
        return Ok(Tick::Nothing);
    }
    let taken = back_up(source, root, Trigger::Nightly, clock).await?;
    let pruned = match &taken {
        Ok(_) => prune(root, nightly.keep, clock.now_ms()).unwrap_or_else(|e| {
            tracing::warn!(error = %e, "old backups not removed");
            Vec::new()
        }),
        Err(_) => Vec::new(),
    };
    Ok(Tick::Ran { taken, pruned })
}

/// Removes the oldest complete snapshots beyond the newest `keep`, and partial ones a crash
/// left more than a day ago; returns the names removed. Only directories a backup named are
/// touched.
pub fn prune(root: &Path, keep: usize, now_ms: i64) -> Result<Vec<String>, BackupError> {
    let mut complete = Vec::new();
    let mut removed = Vec::new();
    for entry in std::fs::read_dir(root).map_err(BackupError::io(root))? {
        let entry = entry.map_err(BackupError::io(root))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if !name.starts_with("gatehouse-") || !entry.path().is_dir() {
            continue;
        }
        if name.ends_with(".partial") {
            let modified_ms = entry
                .metadata()
                .and_then(|m| m.modified())
                .ok()
                .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                .map_or(now_ms, |d| i64::try_from(d.as_millis()).unwrap_or(now_ms));
            if now_ms - modified_ms > DAY_MS {
                remove(&entry.path())?;
                removed.push(name);
            }
        } else if entry.path().join(super::manifest::FILE).is_file() {
            complete.push(name);
        }
    }
    complete.sort();
    let beyond = complete.len().saturating_sub(keep);
    for name in complete.into_iter().take(beyond) {
        remove(&root.join(&name))?;
        removed.push(name);
    }
    Ok(removed)
}

fn remove(dir: &Path) -> Result<(), BackupError> {
    std::fs::remove_dir_all(dir).map_err(BackupError::io(dir))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_day_is_due_once_its_time_has_come() {
        let nightly = Nightly::parse("02:30", 7).expect("a schedule");
        let day = 1_796_515_200_000; // 2026-12-06T00:00:00Z
        assert_eq!(nightly.due_slot(day + 2 * 3_600_000), None);
        assert_eq!(
            nightly
                .due_slot(day + 2 * 3_600_000 + 30 * 60_000)
                .as_deref(),
            Some("2026-12-06")
        );
        assert_eq!(
            nightly.due_slot(day + DAY_MS - 1).as_deref(),
            Some("2026-12-06")
        );
    }

    #[test]
    fn a_schedule_is_a_time_of_day_and_a_count() {
        assert!(Nightly::parse("24:00", 7).is_err());
        assert!(Nightly::parse("2:30pm", 7).is_err());
        assert!(Nightly::parse("02:30", 0).is_err());
        assert_eq!(Nightly::parse(" 00:00 ", 1).map(|n| n.keep()), Ok(1));
    }

    #[test]
    fn pruning_keeps_the_newest_and_touches_nothing_else() {
        let root = tempfile::tempdir().expect("a directory");
        let make = |name: &str, complete: bool| {
            let dir = root.path().join(name);
            std::fs::create_dir(&dir).expect("a snapshot directory");
            if complete {
                std::fs::write(dir.join(super::super::manifest::FILE), b"{}").expect("manifest");
            }
        };
        for name in [
            "gatehouse-20261201T023000.000Z",
            "gatehouse-20261202T023000.000Z",
            "gatehouse-20261203T023000.000Z",
        ] {
            make(name, true);
        }
        make("gatehouse-20261204T023000.000Z.partial", false);
        make("gatehouse-without-manifest", false);
        make("mine", true);
        let now = i64::try_from(
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .expect("after 1970")
                .as_millis(),
        )
        .expect("a time in range");
        let removed = prune(root.path(), 2, now).expect("prune");
        assert_eq!(removed, ["gatehouse-20261201T023000.000Z"]);
        let mut left: Vec<String> = std::fs::read_dir(root.path())
            .expect("list")
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .collect();
        left.sort();
        assert_eq!(
            left,
            [
                "gatehouse-20261202T023000.000Z",
                "gatehouse-20261203T023000.000Z",
                "gatehouse-20261204T023000.000Z.partial",
                "gatehouse-without-manifest",
                "mine"
            ]
        );
        let removed = prune(root.path(), 2, now + 2 * DAY_MS).expect("prune a day later");
        assert_eq!(removed, ["gatehouse-20261204T023000.000Z.partial"]);
    }
}
