//! What an exportable list declares, once: its entry in [`ExportList`], the keys, the columns
//! (which need a key of their own), its address parameters and how it reads one batch — by
//! calling the list's own function, so the file is the list as its reader sees it. Everything
//! else (the checks, the record of exports, streaming, cells) is [`super::stream`]'s, the same
//! for every list.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::future::Future;

use crate::model::{ExportList, ListFilters};
use crate::permissions::Key;
use crate::server::access::grants::Grant;
use crate::server::platform::clock::Clock;
use crate::server::platform::db::Db;
use crate::server::platform::error::DomainError;
use crate::server::records::kind::RecordKind;
use crate::server::records::listing::ListParams;
use crate::server::records::money::{Currency, Money};

/// One column of an exported list.
pub struct Column<R> {
    /// The header; an import reads columns by it.
    pub name: &'static str,
    /// The kind's sensitive field the column shows: left out for those who may not see it.
    pub field: Option<&'static str>,
    pub cell: fn(&R) -> Cow<'_, str>,
}

impl<R> Column<R> {
    pub const fn plain(name: &'static str, cell: fn(&R) -> Cow<'_, str>) -> Self {
        Self {
            name,
            field: None,
            cell,
        }
    }

    pub const fn sensitive(
        name: &'static str,
        field: &'static str,
        cell: fn(&R) -> Cow<'_, str>,
    ) -> Self {
        Self {
            name,
            field: Some(field),
            cell,
        }
    }
}

/// A list that can be exported.
pub trait Exporter: Send + Sync + 'static {
    /// Its name and key, shared with the list page's button.
    const LIST: ExportList;
    /// The kind its rows are; its sensitive fields decide which columns a reader gets.
    const KIND: &'static RecordKind;
    /// Address parameters of the list's own, besides [`SHARED`].
    const OWN: &'static [&'static str];
    const COLUMNS: &'static [Column<Self::Row>];
    /// The list's read key: the rows are the list's, read with it.
    type Read: Key;
    /// The key [`Self::LIST`] names (checked when the code compiles).
    type Export: Key;
    type Query: Send + Sync + 'static;
    type Row: Send + Sync + 'static;

    /// The list's request from the address, as the list page reads it; a refused value names
    /// its parameter.
    fn query(list: ListParams, address: &Address) -> Result<Self::Query, DomainError>;

    /// The shared part of the request, where the walk sets the cursor and the batch size.
    fn list(query: &mut Self::Query) -> &mut ListParams;

    /// One batch: the rows and the cursor of the next, if any.
    fn batch(
        db: &Db,
        clock: &Clock,
        grant: &Grant<Self::Read>,
        query: &Self::Query,
    ) -> impl Future<Output = Result<(Vec<Self::Row>, Option<String>), DomainError>> + Send;

    /// How many rows the whole list holds: a background export's total.
    fn count(
        db: &Db,
        clock: &Clock,
        grant: &Grant<Self::Read>,
        query: &Self::Query,
    ) -> impl Future<Output = Result<u64, DomainError>> + Send;
}

/// The parameters every list's address may carry.
pub const SHARED: [&str; 6] = ["q", "sort", "assignee", "team", "from", "until"];

/// An export's address parameters, each known to the list and given once.
#[derive(Debug, Default)]
pub struct Address(BTreeMap<String, String>);

impl Address {
    /// `None` when a parameter is repeated or is neither [`SHARED`] nor one of `own`: an
    /// export never guesses what a stray parameter meant.
    pub fn parse(pairs: Vec<(String, String)>, own: &[&str]) -> Option<Self> {
        let mut map = BTreeMap::new();
        for (name, value) in pairs {
            let known = SHARED.contains(&name.as_str()) || own.contains(&name.as_str());
            if !known || map.insert(name, value).is_some() {
                return None;
            }
        }
        Some(Self(map))
    }

    /// The parameter's value; empty when it is absent.
    pub fn get(&self, name: &str) -> &str {
        self.0.get(name).map_or("", String::as_str)
    }

    /// The shared part of the list's request.
    pub fn list(&self) -> ListParams {
        let filters = ListFilters {
            sort: self.get("sort").to_owned(),
            assignee: self.get("assignee").to_owned(),
            team: self.get("team").to_owned(),
            from: self.get("from").to_owned(),
            until: self.get("until").to_owned(),
        };
        ListParams::page(self.get("q").to_owned(), Some(filters), None)
    }
}

/// A cell of an optional name (an assignee, a team).
pub fn or_blank(value: &Option<String>) -> Cow<'_, str> {
    Cow::Borrowed(value.as_deref().unwrap_or_default())
}

/// An amount in minor units as a spreadsheet reads it (`1234.50`).
pub fn amount(minor: i64, currency: &str) -> Cow<'static, str> {
    Currency::parse(currency, "currency")
        .map(|c| Money::from_minor(minor, c).plain())
        .unwrap_or_else(|_| minor.to_string())
        .into()
}

/// A time as a spreadsheet reads it: `2026-12-05 16:07:19` in UTC — to the second and without
/// the ` UTC` that `model::utc_datetime` adds for people, which would make it text.
pub fn utc(ms: i64) -> Cow<'static, str> {
    chrono::DateTime::from_timestamp_millis(ms)
        .map(|t| t.format("%Y-%m-%d %H:%M:%S").to_string())
        .unwrap_or_default()
        .into()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(raw: &[(&str, &str)]) -> Vec<(String, String)> {
        raw.iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn an_address_takes_each_known_parameter_once() {
        let a = Address::parse(pairs(&[("q", "ada"), ("status", "open")]), &["status"]).unwrap();
        assert_eq!(a.get("status"), "open");
        assert_eq!(a.get("priority"), "");
        assert_eq!(a.list().search, "ada");
        assert!(Address::parse(pairs(&[("q", "a"), ("q", "b")]), &[]).is_none());
        assert!(Address::parse(pairs(&[("limit", "5")]), &[]).is_none());
        assert!(Address::parse(pairs(&[("status", "open")]), &[]).is_none());
    }

    #[test]
    fn times_are_utc_to_the_second() {
        assert_eq!(utc(1_795_478_400_000), "2026-11-24 00:00:00");
    }
}
