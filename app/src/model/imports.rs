//! CSV imports as the browser sees them: the file's columns and first rows for mapping, the
//! fields a list takes, and a run's progress and outcome.

use serde::{Deserialize, Serialize};

id_type!(
    /// One uploaded CSV file and its run.
    ImportId
);

#[cfg(feature = "ssr")]
client_ids!(ImportId);

/// The largest CSV file an import takes.
pub const MAX_IMPORT_BYTES: u64 = 20 * 1024 * 1024;
/// The most rows (after the header) one import takes.
pub const MAX_IMPORT_ROWS: u64 = 100_000;
/// The rows shown under the mapping.
pub const PREVIEW_ROWS: usize = 5;

/// The limits, as the upload form states them.
pub fn import_limits_text() -> String {
    format!(
        "a CSV file (UTF-8, comma or semicolon separated, a header row first) of at most {} MB \
         and {} rows",
        MAX_IMPORT_BYTES / 1024 / 1024,
        grouped(MAX_IMPORT_ROWS)
    )
}

/// `100000` as `100,000`.
pub fn grouped(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// What an import fills.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ImportList {
    Customers,
    Products,
}

impl ImportList {
    pub const ALL: [Self; 2] = [Self::Customers, Self::Products];

    pub fn key(self) -> &'static str {
        match self {
            Self::Customers => "customers",
            Self::Products => "products",
        }
    }

    pub fn from_key(key: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|l| l.key() == key)
    }

    /// Where the file is posted.
    pub fn upload_href(self) -> String {
        format!("/import/{}", self.key())
    }

    /// The page that takes the upload.
    pub fn page_href(self) -> String {
        format!("/{}/import", self.key())
    }

    /// The page of one import.
    pub fn run_href(self, id: &ImportId) -> String {
        format!("/{}/import/{id}", self.key())
    }

    /// The field that finds an existing record ("same email").
    pub fn match_label(self) -> &'static str {
        match self {
            Self::Customers => "email",
            Self::Products => "SKU",
        }
    }

    pub fn noun(self) -> &'static str {
        match self {
            Self::Customers => "customer",
            Self::Products => "product",
        }
    }
}

/// Where a run stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ImportStatus {
    /// Uploaded; the columns are being mapped.
    Mapping,
    Running,
    /// Finished: the valid rows are in.
    Done,
    /// Some row was refused and the person chose "import nothing": nothing was written.
    Refused,
    Cancelled,
    /// Broke off (the message says why).
    Failed,
}

impl ImportStatus {
    pub const ALL: [Self; 6] = [
        Self::Mapping,
        Self::Running,
        Self::Done,
        Self::Refused,
        Self::Cancelled,
        Self::Failed,
    ];

    pub fn key(self) -> &'static str {
        match self {
            Self::Mapping => "mapping",
            Self::Running => "running",
            Self::Done => "done",
            Self::Refused => "refused",
            Self::Cancelled => "cancelled",
            Self::Failed => "failed",
        }
    }

    pub fn from_key(key: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.key() == key)
    }

    pub fn finished(self) -> bool {
        !matches!(self, Self::Mapping | Self::Running)
    }
}

/// What happens when some row is refused.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OnRefusal {
    /// Import nothing.
    #[default]
    ImportNothing,
    /// Import the valid rows.
    ImportValid,
}

/// What happens to a row whose email (SKU) a record already has.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OnDuplicate {
    /// Refuse the row.
    #[default]
    Refuse,
    /// Update that record with the row's mapped fields.
    Update,
}

/// A field an import fills, and the column the server guessed for it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportField {
    pub key: String,
    pub label: String,
    pub required: bool,
    /// How the cell is read ("company or person", "comma-separated").
    pub hint: String,
    /// The column the header suggests, by index.
    pub guess: Option<u32>,
}

/// One refused row.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportProblem {
    /// The row as a spreadsheet numbers it; the header is row 1.
    pub line: u64,
    pub field: String,
    pub message: String,
}

/// One import, for its page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportView {
    pub id: ImportId,
    pub list: ImportList,
    pub file_name: String,
    pub headers: Vec<String>,
    pub preview: Vec<Vec<String>>,
    pub total_rows: u64,
    pub status: ImportStatus,
    pub fields: Vec<ImportField>,
    pub checked_rows: u64,
    pub created_rows: u64,
    pub updated_rows: u64,
    pub refused_rows: u64,
    pub message: Option<String>,
    /// The first refused rows; the report has them all.
    pub problems: Vec<ImportProblem>,
}

impl ImportView {
    /// How far the run is, in per cent: checking is the first half, writing the second.
    pub fn percent(&self) -> u64 {
        if self.status.finished() {
            return 100;
        }
        let total = self.total_rows.max(1);
        let written = self.created_rows + self.updated_rows + self.refused_rows;
        (self.checked_rows * 50 / total + written.min(total) * 50 / total).min(99)
    }

    pub fn report_href(&self) -> String {
        format!("/import/{}/{}/report.csv", self.list.key(), self.id)
    }
}

/// A run's choices: for each field key, the column that fills it (by index), and what to do
/// with refused and duplicate rows.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportPlan {
    pub columns: Vec<(String, u32)>,
    pub on_refusal: OnRefusal,
    pub on_duplicate: OnDuplicate,
    /// The team the new records join; empty for none.
    pub team_id: String,
}
