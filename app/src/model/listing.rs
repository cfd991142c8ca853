//! What every record list shares in its address and its request: the sort, and the assignee,
//! team and date filters. Each list's sortable columns are declared here once: the server turns
//! them into ORDER BY and keyset clauses, the pages into column-heading links.

use serde::{Deserialize, Serialize};

use super::{MemberOption, TeamOption};

/// A column a list can be sorted by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SortColumn {
    /// Its name in the address: `sort=total` runs low to high, `sort=-total` high to low.
    pub key: &'static str,
    /// The table heading it sorts.
    pub heading: &'static str,
    /// A never-null column of the kind's own table.
    pub column: &'static str,
}

/// The columns a list can be sorted by, the first being the list's own order, and that order's
/// direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sorts {
    pub columns: &'static [SortColumn],
    /// The list's own order runs high to low (numbered documents, newest first).
    pub descending: bool,
}

const fn sort(key: &'static str, heading: &'static str, column: &'static str) -> SortColumn {
    SortColumn {
        key,
        heading,
        column,
    }
}

pub const CUSTOMER_SORTS: Sorts = Sorts {
    columns: &[
        sort("name", "Name", "name_key"),
        sort("email", "Email", "email"),
    ],
    descending: false,
};
pub const PRODUCT_SORTS: Sorts = Sorts {
    columns: &[
        sort("name", "Name", "name_key"),
        sort("sku", "SKU", "sku_key"),
        sort("price", "Price", "unit_price_minor"),
    ],
    descending: false,
};
pub const QUOTE_SORTS: Sorts = Sorts {
    columns: &[
        sort("number", "Quote", "number"),
        sort("title", "Title", "title_key"),
        sort("total", "Total", "total_minor"),
        sort("valid", "Valid until", "valid_until"),
    ],
    descending: true,
};
pub const ORDER_SORTS: Sorts = Sorts {
    columns: &[
        sort("number", "Order", "number"),
        sort("total", "Total", "total_minor"),
    ],
    descending: true,
};
pub const PAYMENT_SORTS: Sorts = Sorts {
    columns: &[sort("paid", "Paid on", "paid_on")],
    descending: false,
};
pub const LICENCE_SORTS: Sorts = Sorts {
    columns: &[
        sort("number", "Licence", "number"),
        sort("seats", "Seats", "seats"),
        sort("valid", "Valid until", "valid_until"),
    ],
    descending: true,
};
pub const DOCUMENT_SORTS: Sorts = Sorts {
    columns: &[
        sort("title", "Title", "title_key"),
        sort("updated", "Updated", "updated_at"),
    ],
    descending: false,
};
pub const TICKET_SORTS: Sorts = Sorts {
    columns: &[
        sort("number", "Ticket", "number"),
        sort("subject", "Subject", "subject_key"),
    ],
    descending: true,
};

/// The shared part of a list's request, as typed into the address; the server checks each
/// field and names the one it refuses. A field left out is empty.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ListFilters {
    /// A sort key of the list, `-` first for high to low; empty: the list's own order.
    pub sort: String,
    /// `me` or a member's id; empty: anyone.
    pub assignee: String,
    /// A team's id; empty: any team.
    pub team: String,
    /// Created on or after this day (`YYYY-MM-DD`, on the workspace's calendar).
    pub from: String,
    /// Created on or before this day.
    pub until: String,
}

impl ListFilters {
    /// The address parameters besides the sort, by name.
    pub fn params(&self) -> [(&'static str, &str); 4] {
        [
            ("assignee", &self.assignee),
            ("team", &self.team),
            ("from", &self.from),
            ("until", &self.until),
        ]
    }

    /// Whether any filter (not the sort) narrows the list.
    pub fn narrows(&self) -> bool {
        self.params().iter().any(|(_, v)| !v.is_empty())
    }

    /// The sort a click on `column`'s heading asks for: low to high, or high to low when the
    /// list runs low to high by it already.
    pub fn sort_after_click(&self, sorts: &Sorts, column: &SortColumn) -> String {
        let (current, high_to_low) = self.sorted_by(sorts);
        if current == column.key && !high_to_low {
            format!("-{}", column.key)
        } else {
            column.key.to_owned()
        }
    }

    /// The key the list is sorted by and whether high to low.
    pub fn sorted_by(&self, sorts: &Sorts) -> (&str, bool) {
        match self.sort.trim() {
            "" => (
                sorts.columns.first().map_or("", |c| c.key),
                sorts.descending,
            ),
            raw => match raw.strip_prefix('-') {
                Some(key) => (key, true),
                None => (raw, false),
            },
        }
    }
}

/// Whom and which teams a list can be narrowed to: the people and teams within the caller's
/// reach (only themselves, with the "assigned" scope).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FilterChoices {
    pub people: Vec<MemberOption>,
    pub teams: Vec<TeamOption>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_heading_click_sorts_low_to_high_then_high_to_low() {
        let mut f = ListFilters::default();
        let total = &ORDER_SORTS.columns[1];
        assert_eq!(f.sort_after_click(&ORDER_SORTS, total), "total");
        f.sort = "total".into();
        assert_eq!(f.sort_after_click(&ORDER_SORTS, total), "-total");
        f.sort = "-total".into();
        assert_eq!(f.sort_after_click(&ORDER_SORTS, total), "total");
        f.sort.clear();
        assert_eq!(
            f.sort_after_click(&ORDER_SORTS, &ORDER_SORTS.columns[0]),
            "number"
        );
        assert_eq!(f.sorted_by(&ORDER_SORTS), ("number", true));
        let name = &CUSTOMER_SORTS.columns[0];
        assert_eq!(f.sort_after_click(&CUSTOMER_SORTS, name), "-name");
    }

    #[test]
    fn every_list_sorts_by_distinct_keys_and_headings() {
        for sorts in [
            CUSTOMER_SORTS,
            PRODUCT_SORTS,
            QUOTE_SORTS,
            ORDER_SORTS,
            PAYMENT_SORTS,
            LICENCE_SORTS,
            TICKET_SORTS,
            DOCUMENT_SORTS,
        ] {
            let columns = sorts.columns;
            assert!(!columns.is_empty());
            for s in columns {
                assert_eq!(columns.iter().filter(|o| o.key == s.key).count(), 1);
                assert_eq!(columns.iter().filter(|o| o.heading == s.heading).count(), 1);
                assert!(s
                    .column
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b == b'_'));
            }
        }
    }
}
