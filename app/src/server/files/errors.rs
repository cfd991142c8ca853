//! The error of the files layer: an upload refused for a reason the person can act on, or a
//! failure underneath (the database, the store).

use super::judge::TypeRefusal;
use super::storage::StorageError;
use crate::error::AppError;
use crate::model::UploadProblem;
use crate::server::platform::error::DomainError;

#[derive(Debug, thiserror::Error)]
pub enum FileError {
    /// The upload is not acceptable; the message says why, for the person.
    #[error("{message}")]
    Refused {
        problem: UploadProblem,
        message: String,
    },
    #[error(transparent)]
    Domain(#[from] DomainError),
    #[error(transparent)]
    Storage(#[from] StorageError),
}

impl FileError {
    pub(crate) fn refused(problem: UploadProblem, why: impl std::fmt::Display) -> Self {
        Self::Refused {
            problem,
            message: why.to_string(),
        }
    }
}

impl From<sqlx::Error> for FileError {
    fn from(e: sqlx::Error) -> Self {
        Self::Domain(e.into())
    }
}

impl From<TypeRefusal> for FileError {
    fn from(e: TypeRefusal) -> Self {
        match e {
            TypeRefusal::Io(io) => Self::Storage(io.into()),
            TypeRefusal::Name(name) => Self::refused(UploadProblem::Name, name),
            refusal => Self::refused(UploadProblem::Type, refusal),
        }
    }
}

/// A files-layer error as the person sees it: a refusal names the file field; a failure
/// underneath is logged and answered with a reference only.
impl From<FileError> for AppError {
    fn from(e: FileError) -> Self {
        match e {
            FileError::Refused { message, .. } => AppError::validation("file", message),
            FileError::Domain(e) => e.into(),
            FileError::Storage(e) => AppError::internal(e),
        }
    }
}
