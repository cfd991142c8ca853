//! The document library as it travels to the browser: documents with their versions.

use serde::{Deserialize, Serialize};

use super::{FileSummary, TeamId, UserId};

id_type!(
    /// A document of the library.
    DocumentId
);
#[cfg(feature = "ssr")]
client_ids!(DocumentId);

/// A document as the list and its page show it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Document {
    pub id: DocumentId,
    pub title: String,
    pub description: String,
    pub tags: Vec<String>,
    /// The owner.
    pub assigned_user_id: UserId,
    pub assigned_to: Option<String>,
    pub team_id: Option<TeamId>,
    pub team: Option<String>,
    /// How many versions it has; 0 until the first upload.
    pub versions: i64,
    pub version: i64,
    pub updated_at_ms: i64,
}

/// One page of the library, and where the next one starts.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocumentPage {
    pub items: Vec<Document>,
    /// Pass back as `after` for the next page; `None` on the last page.
    pub next: Option<String>,
    /// The people and teams the list can be narrowed to.
    pub choices: super::FilterChoices,
}

/// A document, its versions newest first (the first is the current one), and what the caller
/// may do with it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DocumentDetail {
    pub document: Document,
    pub versions: Vec<FileSummary>,
    /// Holds `documents.write`: may edit it and upload versions.
    pub can_write: bool,
    /// Holds `documents.delete`.
    pub can_delete: bool,
}
