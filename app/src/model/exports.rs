//! The lists a person can take away as CSV. The list pages' "Export CSV" button and the
//! server's export routes read the same entry, so the button shows exactly when the server
//! would answer.

use crate::permissions::Permission;

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
    }
}
