//! Support tickets as they travel to the browser.

use serde::{Deserialize, Serialize};

use super::{CustomerId, TeamId, UserId};

id_type!(
    /// A support ticket.
    TicketId
);
#[cfg(feature = "ssr")]
client_ids!(TicketId);

/// Where a ticket stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TicketStatus {
    Open,
    /// Waiting for the customer.
    Pending,
    Resolved,
    /// Final: no more messages.
    Closed,
}

impl TicketStatus {
    pub const ALL: [TicketStatus; 4] = [Self::Open, Self::Pending, Self::Resolved, Self::Closed];

    pub fn key(self) -> &'static str {
        match self {
            Self::Open => "open",
            Self::Pending => "pending",
            Self::Resolved => "resolved",
            Self::Closed => "closed",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Open => "Open",
            Self::Pending => "Pending",
            Self::Resolved => "Resolved",
            Self::Closed => "Closed",
        }
    }

    pub fn from_key(key: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.key() == key)
    }

    /// The statuses a ticket may move to from this one.
    pub fn next(self) -> &'static [TicketStatus] {
        match self {
            Self::Open => &[Self::Pending, Self::Resolved],
            Self::Pending => &[Self::Open, Self::Resolved],
            Self::Resolved => &[Self::Open, Self::Closed],
            Self::Closed => &[],
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TicketPriority {
    Low,
    Normal,
    High,
    Urgent,
}

impl TicketPriority {
    pub const ALL: [TicketPriority; 4] = [Self::Low, Self::Normal, Self::High, Self::Urgent];

    pub fn key(self) -> &'static str {
        match self {
            Self::Low => "low",
            Self::Normal => "normal",
            Self::High => "high",
            Self::Urgent => "urgent",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Low => "Low",
            Self::Normal => "Normal",
            Self::High => "High",
            Self::Urgent => "Urgent",
        }
    }

    pub fn from_key(key: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.key() == key)
    }
}

/// A message of a ticket's thread.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MessageKind {
    /// Part of the conversation with the customer.
    Reply,
    /// For the workspace only.
    Note,
}

impl MessageKind {
    pub const ALL: [MessageKind; 2] = [Self::Reply, Self::Note];

    pub fn key(self) -> &'static str {
        match self {
            Self::Reply => "reply",
            Self::Note => "note",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Reply => "Public reply",
            Self::Note => "Internal note",
        }
    }

    pub fn from_key(key: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.key() == key)
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ticket {
    pub id: TicketId,
    /// "T-42".
    pub reference: String,
    pub subject: String,
    pub customer_id: CustomerId,
    pub customer: String,
    pub status: TicketStatus,
    pub priority: TicketPriority,
    /// `None`: unassigned.
    pub assigned_user_id: Option<UserId>,
    pub assigned_to: Option<String>,
    pub team_id: Option<TeamId>,
    pub team: Option<String>,
    pub version: i64,
    pub updated_at_ms: i64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TicketMessage {
    pub kind: MessageKind,
    pub body: String,
    /// The author's display name; `None` once their account is gone.
    pub author: Option<String>,
    pub at_ms: i64,
}

/// One page of a ticket list, and where the next one starts.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TicketPage {
    pub items: Vec<Ticket>,
    /// Pass back as `after` for the next page; `None` on the last page.
    pub next: Option<String>,
    /// The people and teams the list can be narrowed to.
    pub choices: super::FilterChoices,
}

/// A ticket with its thread, oldest first, and what the caller may do with it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TicketDetail {
    pub ticket: Ticket,
    pub messages: Vec<TicketMessage>,
    /// Holds `tickets.write`: may reply, change the status and edit.
    pub can_write: bool,
}
