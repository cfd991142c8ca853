//! Backups: a consistent snapshot of the database and the file store with a checksum manifest
//! (`snapshot`), brought back into an empty deployment only when every checksum holds
//! (`restore`), taken nightly by one server process of several (`nightly`), and each run kept
//! in the backups register (`register`).

pub mod manifest;
pub mod nightly;
pub mod pg_tools;
pub mod register;
pub mod restore;
pub mod snapshot;

use std::path::PathBuf;

use crate::server::files::storage::StorageError;
use crate::server::platform::db::DbError;

/// Why a backup or a restore did not happen; said to the operator running the command and
/// kept in the register (pages show only that a run failed).
#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("database: {0}")]
    Database(#[from] sqlx::Error),
    #[error(transparent)]
    Db(#[from] DbError),
    #[error("file storage: {0}")]
    Storage(#[from] StorageError),
    #[error("{tool}: {message}")]
    Tool { tool: &'static str, message: String },
    #[error("the snapshot does not match its manifest: {0}")]
    Mismatch(String),
    #[error("a restore needs an empty target, but {0}")]
    NotEmpty(String),
    #[error("{0}")]
    Refused(String),
}

impl BackupError {
    pub(crate) fn io(path: impl Into<PathBuf>) -> impl FnOnce(std::io::Error) -> Self {
        let path = path.into();
        move |source| Self::Io { path, source }
    }
}
