//! The backups register as its page shows it.

use serde::{Deserialize, Serialize};

/// One run of a backup.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BackupItem {
    pub id: String,
    pub started_ms: i64,
    pub finished_ms: i64,
    /// Taken on the nightly schedule rather than by `server backup`.
    pub nightly: bool,
    pub done: bool,
    pub size_bytes: i64,
    pub files: i64,
    /// SHA-256 of the snapshot's manifest.
    pub checksum: Option<String>,
}
