//! The lists a person can take away as CSV. The list pages' "Export CSV" button and the
//! server's export routes read the same entry, so the button shows exactly when the server
//! would answer.

use serde::{Deserialize, Serialize};

use crate::model::grouped;
use crate::permissions::Permission;

id_type!(
    /// One export on record; a background export's page and file go by it.
    ExportId
);

#[cfg(feature = "ssr")]
client_ids!(ExportId);

/// One exportable list: its name and the key an export of it needs (besides a role that
/// allows exports).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ExportList {
    /// The list in `/export/{name}.csv`, in the file's name and in the record of exports.
    pub name: &'static str,
    /// The list's own export key where the catalogue has one (`customers.export`); otherwise
    /// its read key, so the role's "data export allowed" decides alone.
    pub key: Permission,
}

impl ExportList {
    pub const CUSTOMERS: Self = Self::new("customers", Permission::CustomersExport);
    pub const PRODUCTS: Self = Self::new("products", Permission::ProductsRead);
    pub const QUOTES: Self = Self::new("quotes", Permission::QuotesRead);
    pub const ORDERS: Self = Self::new("orders", Permission::OrdersRead);
    pub const LICENCES: Self = Self::new("licences", Permission::LicencesRead);
    pub const TICKETS: Self = Self::new("tickets", Permission::TicketsRead);
    pub const DOCUMENTS: Self = Self::new("documents", Permission::DocumentsRead);

    pub const ALL: [Self; 7] = [
        Self::CUSTOMERS,
        Self::PRODUCTS,
        Self::QUOTES,
        Self::ORDERS,
        Self::LICENCES,
        Self::TICKETS,
        Self::DOCUMENTS,
    ];

    const fn new(name: &'static str, key: Permission) -> Self {
        Self { name, key }
    }

    /// `/export/{name}.csv`, where the export is taken.
    pub fn path(&self) -> String {
        format!("/export/{}.csv", self.name)
    }

    /// `/exports/{name}/{id}`, a background export's page.
    pub fn run_href(&self, id: &ExportId) -> String {
        format!("/exports/{}/{id}", self.name)
    }

    pub fn named(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|l| l.name == name)
    }
}

/// Where a background export is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ExportStatus {
    Running,
    Done,
    Cancelled,
    Failed,
}

impl ExportStatus {
    pub fn key(self) -> &'static str {
        match self {
            Self::Running => "running",
            Self::Done => "done",
            Self::Cancelled => "cancelled",
            Self::Failed => "failed",
        }
    }

    pub fn from_key(key: &str) -> Option<Self> {
        [Self::Running, Self::Done, Self::Cancelled, Self::Failed]
            .into_iter()
            .find(|s| s.key() == key)
    }
}

/// A background export, for its page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExportView {
    pub id: ExportId,
    /// The list's name (`customers`).
    pub list: String,
    pub status: ExportStatus,
    /// The rows the list had when the export started.
    pub total_rows: u64,
    pub done_rows: u64,
    /// The file's size once written; `None` before, and after it was tidied away.
    pub size_bytes: Option<u64>,
    /// Why it stopped, in words for the person who started it.
    pub message: Option<String>,
}

impl ExportView {
    /// How far the export is, in per cent; 100 once it ended.
    pub fn percent(&self) -> u64 {
        match self.status {
            ExportStatus::Running => (self.done_rows * 100 / self.total_rows.max(1)).min(99),
            _ => 100,
        }
    }

    /// `/export/{list}/{id}/file`, its file.
    pub fn file_href(&self) -> String {
        format!("/export/{}/{}/file", self.list, self.id)
    }

    /// The status line: rows so far, or how it ended.
    pub fn summary(&self) -> String {
        let rows = |n: u64| format!("{} row{}", grouped(n), if n == 1 { "" } else { "s" });
        match (self.status, self.size_bytes) {
            (ExportStatus::Running, _) => format!(
                "Writing the file: {} of {}.",
                grouped(self.done_rows),
                rows(self.total_rows)
            ),
            (ExportStatus::Done, Some(_)) => {
                format!(
                    "The file is ready: {}. It is kept for a week.",
                    rows(self.done_rows)
                )
            }
            (ExportStatus::Done, None) => {
                "The file was removed after a week. Export the list again.".to_owned()
            }
            _ => self.message.clone().unwrap_or_default(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_list_is_named_once() {
        for list in ExportList::ALL {
            let same = ExportList::ALL.iter().filter(|l| l.name == list.name);
            assert_eq!(same.count(), 1, "{}", list.name);
        }
        assert_eq!(ExportList::TICKETS.path(), "/export/tickets.csv");
        assert_eq!(ExportList::named("tickets"), Some(ExportList::TICKETS));
        assert_eq!(ExportList::named("payments"), None);
    }

    #[test]
    fn progress_stops_short_of_the_end_until_the_file_is_written() {
        let mut v = ExportView {
            id: ExportId("e".into()),
            list: "customers".into(),
            status: ExportStatus::Running,
            total_rows: 3,
            done_rows: 3,
            size_bytes: None,
            message: None,
        };
        assert_eq!(v.percent(), 99);
        assert_eq!(v.summary(), "Writing the file: 3 of 3 rows.");
        v.done_rows = 1;
        assert_eq!(v.percent(), 33);
        v.total_rows = 0;
        v.done_rows = 0;
        assert_eq!(v.percent(), 0);
        v.status = ExportStatus::Done;
        v.size_bytes = Some(10);
        assert_eq!(
            (v.percent(), v.summary()),
            (
                100,
                "The file is ready: 0 rows. It is kept for a week.".into()
            )
        );
        assert_eq!(v.file_href(), "/export/customers/e/file");
        assert_eq!(
            ExportList::CUSTOMERS.run_href(&v.id),
            "/exports/customers/e"
        );
        assert_eq!(
            ExportStatus::from_key("cancelled"),
            Some(ExportStatus::Cancelled)
        );
    }
}
