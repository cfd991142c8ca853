//! What a privacy request is: its kind and its status, and which status may follow which.

use crate::server::platform::error::DomainError;

/// What was asked for: one of [`PRIVACY_KINDS`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Access,
    Correction,
    Deletion,
    Restriction,
    Portability,
    Closure,
}

impl Kind {
    const ALL: [Self; 6] = [
        Self::Access,
        Self::Correction,
        Self::Deletion,
        Self::Restriction,
        Self::Portability,
        Self::Closure,
    ];

    pub fn key(self) -> &'static str {
        match self {
            Self::Access => "access",
            Self::Correction => "correction",
            Self::Deletion => "deletion",
            Self::Restriction => "restriction",
            Self::Portability => "portability",
            Self::Closure => "closure",
        }
    }

    pub fn parse(raw: &str) -> Result<Self, DomainError> {
        Self::ALL
            .into_iter()
            .find(|k| k.key() == raw.trim())
            .ok_or_else(|| DomainError::invalid("kind", "Choose what you are asking for."))
    }

    /// Whether the request is about one customer, who must be found before it is verified.
    pub fn needs_customer(self) -> bool {
        self != Self::Closure
    }

    /// Whether fulfilling it is the server's work (an archive, an erasure, a restriction, a
    /// scheduled deletion) rather than a handler's by hand (a correction).
    pub fn fulfilled_by_server(self) -> bool {
        self != Self::Correction
    }
}

/// Where a request stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    /// Submitted, its link not yet followed: it does not count.
    Unconfirmed,
    Received,
    Verified,
    InProgress,
    Completed,
    Rejected,
}

impl Status {
    const ALL: [Self; 6] = [
        Self::Unconfirmed,
        Self::Received,
        Self::Verified,
        Self::InProgress,
        Self::Completed,
        Self::Rejected,
    ];

    pub fn key(self) -> &'static str {
        match self {
            Self::Unconfirmed => "unconfirmed",
            Self::Received => "received",
            Self::Verified => "verified",
            Self::InProgress => "in_progress",
            Self::Completed => "completed",
            Self::Rejected => "rejected",
        }
    }

    pub fn parse(raw: &str) -> Result<Self, DomainError> {
        Self::ALL
            .into_iter()
            .find(|s| s.key() == raw.trim())
            .ok_or_else(|| DomainError::invalid("status", "Choose a status from the list."))
    }

    pub fn is_finished(self) -> bool {
        matches!(self, Self::Completed | Self::Rejected)
    }

    /// The statuses a handler may move a request of `kind` to from this one. A request the
    /// server fulfils is completed by fulfilling it, never by the status alone.
    pub fn next(self, kind: Kind) -> Vec<Self> {
        match self {
            Self::Received => vec![Self::Verified, Self::Rejected],
            Self::Verified => vec![Self::InProgress, Self::Rejected],
            Self::InProgress if kind.fulfilled_by_server() => vec![Self::Rejected],
            Self::InProgress => vec![Self::Completed, Self::Rejected],
            _ => Vec::new(),
        }
    }
}

/// `PR-12`: how people name a request.
pub fn reference(number: i64) -> String {
    format!("PR-{number}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{PRIVACY_KINDS, PRIVACY_STATUSES};

    #[test]
    fn the_keys_are_the_ones_the_pages_offer() {
        let kinds: Vec<&str> = Kind::ALL.iter().map(|k| k.key()).collect();
        let offered: Vec<&str> = PRIVACY_KINDS.iter().map(|(k, ..)| *k).collect();
        assert_eq!(kinds, offered);
        let shown: Vec<&str> = PRIVACY_STATUSES.iter().map(|(k, _)| *k).collect();
        let known: Vec<&str> = Status::ALL[1..].iter().map(|s| s.key()).collect();
        assert_eq!(shown, known);
        assert!(Kind::parse("erase").is_err());
        assert_eq!(Status::parse(" verified ").unwrap(), Status::Verified);
    }

    #[test]
    fn finished_requests_go_nowhere_and_server_work_is_not_skipped() {
        assert!(Status::Completed.next(Kind::Access).is_empty());
        assert!(Status::Rejected.next(Kind::Correction).is_empty());
        assert!(Status::Unconfirmed.next(Kind::Access).is_empty());
        assert_eq!(
            Status::InProgress.next(Kind::Deletion),
            vec![Status::Rejected]
        );
        assert_eq!(
            Status::InProgress.next(Kind::Correction),
            vec![Status::Completed, Status::Rejected]
        );
        assert!(!Status::Received
            .next(Kind::Access)
            .contains(&Status::Completed));
    }
}
