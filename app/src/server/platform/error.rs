//! The domain layer's error. Converted to [`AppError`] at the server-function boundary, where
//! database detail is logged and replaced by a reference.

use crate::error::AppError;

#[derive(Debug, thiserror::Error)]
pub enum DomainError {
    #[error("invalid {field}: {message}")]
    Invalid {
        field: &'static str,
        message: String,
    },
    #[error("conflict: {0}")]
    Conflict(String),
    #[error("not found")]
    NotFound,
    /// The caller lacks the permission; the check that said so has logged the denial.
    #[error("forbidden")]
    Forbidden,
    #[error("database: {0}")]
    Database(#[from] sqlx::Error),
    /// A failure that is ours, not the caller's (a crashed worker, a corrupt stored value).
    #[error("internal: {0}")]
    Internal(String),
}

impl DomainError {
    /// For inserts: a unique-constraint violation becomes `on_conflict()`, anything else stays
    /// a database error.
    pub(crate) fn on_unique(e: sqlx::Error, on_conflict: impl FnOnce() -> Self) -> Self {
        match e {
            sqlx::Error::Database(db) if db.is_unique_violation() => on_conflict(),
            other => other.into(),
        }
    }

    pub fn invalid(field: &'static str, message: impl Into<String>) -> Self {
        Self::Invalid {
            field,
            message: message.into(),
        }
    }
}

impl From<DomainError> for AppError {
    fn from(e: DomainError) -> Self {
        match e {
            DomainError::Invalid { field, message } => AppError::validation(field, message),
            DomainError::Conflict(message) => AppError::Conflict { message },
            DomainError::NotFound => AppError::NotFound,
            DomainError::Forbidden => AppError::Forbidden,
            DomainError::Database(e) => AppError::internal(e),
            DomainError::Internal(detail) => AppError::internal(detail),
        }
    }
}
