//! What the kit needs to know about one kind of record: its table, how the data scope reaches
//! its rows, how lists sort and search, and which fields need a key of their own.

use crate::model::Sorts;
use crate::permissions::{Key, Permission, Resource};
use crate::server::access::grants::Grant;

/// One kind of workspace-owned record, declared once (`customers::KIND`) and listed in
/// `kinds::KINDS`.
#[derive(Debug)]
pub struct RecordKind {
    /// The table; every row has `id` and `workspace_id`.
    pub table: &'static str,
    /// One record, in words ("customer").
    pub noun: &'static str,
    /// The address of the pages that show its records (`/customers`, then `/{id}`); for a kind
    /// shown on its parent's page (payments on their order's), the parent's.
    pub path: &'static str,
    /// The alias the kit's clauses use for the table.
    pub alias: &'static str,
    pub resource: Resource,
    /// The columns lists may sort by (with `id` after each) and the list's own order.
    pub sorts: &'static Sorts,
    /// Lower-cased expressions over the alias a search looks in (`c.name_key`, `lower(c.email)`).
    pub search: &'static [&'static str],
    pub reach: Reach,
    /// Fields shown (and written) only with a key of their own.
    pub sensitive: &'static [Sensitive],
    /// The `version` column an update must name (optimistic concurrency).
    pub versioned: bool,
    /// The customer a record is about, as an expression over the alias; `None` for kinds not
    /// about one. A customer restricted on request makes every such record refuse changes.
    pub customer: Option<&'static str>,
    /// Which records a workspace's retention policy may remove; `None`: kept until deleted
    /// (records others still rely on — customers, products, payments — or that have no end).
    pub retention: Option<Retention>,
}

/// The records of a kind a retention policy may end once they are old enough: finished ones
/// nothing else still needs.
#[derive(Debug)]
pub struct Retention {
    /// The records in words, plural ("Closed tickets").
    pub words: &'static str,
    /// A condition over the table's own columns, unaliased, true of finished records only. It
    /// may use `$2`, the moment before which the days began (milliseconds), and `$4`, today's
    /// date in UTC (`YYYY-MM-DD`).
    pub finished: &'static str,
    /// The column (milliseconds) the days are counted from.
    pub since: &'static str,
    pub ending: Ending,
}

/// What happens to a record past its retention.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ending {
    /// Deleted, with its children (lines, messages, files).
    Delete,
    /// A customer anonymised as an erasure on request does it: the person's details and files
    /// go, the records the business keeps (orders, payments) stay without them.
    Erase,
}

/// How a data scope reaches a kind's rows.
#[derive(Debug)]
pub enum Reach {
    /// Each row is assigned to a person and maybe a team: `assigned`, `team`, `department` and
    /// `all` apply to those columns.
    Assigned {
        assignee: &'static str,
        team: &'static str,
    },
    /// A catalogue of the workspace (products): every holder of the read key sees all of it.
    Catalogue,
    /// Reached through the record it belongs to (a payment through its order): the parent's
    /// scope decides, applied to the parent row `column` names.
    Through {
        parent: &'static RecordKind,
        column: &'static str,
    },
}

/// A field only holders of `key` see; others get nothing and leave it as it is when saving.
#[derive(Debug)]
pub struct Sensitive {
    pub field: &'static str,
    /// The field in words, for the sensitive-data access log ("tax id").
    pub label: &'static str,
    pub key: Permission,
}

impl RecordKind {
    /// Whether the holder of `grant` sees (and may set) `field`.
    pub fn shows<K: Key>(&self, grant: &Grant<K>, field: &str) -> bool {
        self.sensitive
            .iter()
            .filter(|s| s.field == field)
            .all(|s| grant.also_holds(s.key))
    }

    /// The column of the list's own order (the max-records window is cut in it).
    pub fn default_sort(&self) -> &'static str {
        self.sorts.columns.first().map_or("id", |s| s.column)
    }

    /// `ASC` or `DESC`, for ORDER BY clauses over the list's own order.
    pub fn direction(&self) -> &'static str {
        if self.sorts.descending {
            "DESC"
        } else {
            "ASC"
        }
    }

    /// The team column, for kinds whose rows are assigned to teams.
    pub fn team_column(&self) -> Option<&'static str> {
        match self.reach {
            Reach::Assigned { team, .. } => Some(team),
            _ => None,
        }
    }
}
