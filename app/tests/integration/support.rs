//! Helpers shared by the role and assignment tests.

use app::server::access::role_editor::RoleDraft;
use app::server::platform::error::DomainError;

/// A role draft holding `keys` and nothing else.
pub fn draft(name: &str, keys: &[&str]) -> RoleDraft {
    RoleDraft {
        name: name.into(),
        permissions: keys.iter().map(|k| (*k).to_owned()).collect(),
        ..RoleDraft::default()
    }
}

/// A refusal as one comparable line: `field: message`, `conflict: message`, or the variant.
pub fn message(e: DomainError) -> String {
    match e {
        DomainError::Invalid { field, message } => format!("{field}: {message}"),
        DomainError::Conflict(message) => format!("conflict: {message}"),
        other => format!("{other:?}"),
    }
}
