//! What a record kind declares to be importable: its fields, how one row is checked (plain
//! Rust, no database), the field that finds an existing record, and how a checked row is
//! written. The run (`run.rs`) does the rest — mapping, progress, cancelling, the report — alike
//! for every kind.

use std::collections::HashMap;
use std::future::Future;

use crate::model::{ImportField, ImportList, ImportPlan, WorkspaceId};
use crate::permissions::Key;
use crate::server::access::grants::Grant;
use crate::server::platform::clock::Clock;
use crate::server::platform::error::DomainError;

/// A field an import fills.
#[derive(Debug, Clone, Copy)]
pub struct FieldDef {
    pub key: &'static str,
    pub label: &'static str,
    pub required: bool,
    pub hint: &'static str,
    /// Other header names that mean this field (compared without case, spaces or `_-`).
    pub aliases: &'static [&'static str],
}

/// Why a row was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub field: &'static str,
    pub message: String,
}

impl From<DomainError> for Problem {
    fn from(e: DomainError) -> Self {
        match e {
            DomainError::Invalid { field, message } => Self { field, message },
            other => Self {
                field: "row",
                message: {
                    tracing::warn!(error = %other, "import row check failed");
                    "This row could not be checked.".to_owned()
                },
            },
        }
    }
}

fn squash(name: &str) -> String {
    name.chars()
        .filter(|c| !c.is_whitespace() && !"_-.".contains(*c))
        .flat_map(char::to_lowercase)
        .collect()
}

/// Which column fills which field, checked against the kind's fields and the file's header.
#[derive(Debug, Clone)]
pub struct Mapping {
    by_field: HashMap<&'static str, usize>,
}

impl Mapping {
    /// The plan's columns, each naming a field of `fields` once and a column of the header;
    /// every required field mapped.
    pub fn check(
        fields: &[FieldDef],
        headers: &[String],
        plan: &ImportPlan,
    ) -> Result<Self, DomainError> {
        let mut by_field = HashMap::new();
        for (key, column) in &plan.columns {
            let field = fields
                .iter()
                .find(|f| f.key == key)
                .ok_or_else(|| DomainError::invalid("columns", "Choose fields from the list."))?;
            let column = usize::try_from(*column)
                .ok()
                .filter(|c| *c < headers.len())
                .ok_or_else(|| DomainError::invalid("columns", "Choose columns the file has."))?;
            if by_field.insert(field.key, column).is_some() {
                return Err(DomainError::invalid(
                    "columns",
                    format!("{} is mapped twice; choose one column.", field.label),
                ));
            }
        }
        if let Some(missing) = fields
            .iter()
            .find(|f| f.required && !by_field.contains_key(f.key))
        {
            return Err(DomainError::invalid(
                "columns",
                format!("Choose the column that holds {}.", missing.label),
            ));
        }
        Ok(Self { by_field })
    }

    /// The fields, each with the column its header suggests.
    pub fn guess(fields: &[FieldDef], headers: &[String]) -> Vec<ImportField> {
        let squashed: Vec<String> = headers.iter().map(|h| squash(h)).collect();
        fields
            .iter()
            .map(|f| {
                let names: Vec<String> = [f.key, f.label]
                    .iter()
                    .chain(f.aliases)
                    .map(|n| squash(n))
                    .collect();
                let guess = squashed
                    .iter()
                    .position(|h| names.contains(h))
                    .and_then(|i| u32::try_from(i).ok());
                ImportField {
                    key: f.key.to_owned(),
                    label: f.label.to_owned(),
                    required: f.required,
                    hint: f.hint.to_owned(),
                    guess,
                }
            })
            .collect()
    }

    pub fn maps(&self, key: &str) -> bool {
        self.by_field.contains_key(key)
    }

    /// The cells of one row, by field.
    pub fn values<'a>(&'a self, record: &'a csv::StringRecord) -> Values<'a> {
        Values {
            mapping: self,
            record,
        }
    }
}

/// One row's cells, looked up by field key.
pub struct Values<'a> {
    mapping: &'a Mapping,
    record: &'a csv::StringRecord,
}

impl Values<'_> {
    /// The field's cell; `None` when no column fills it, `""` when the row's cell is empty or
    /// missing.
    pub fn get(&self, key: &str) -> Option<&str> {
        let column = *self.mapping.by_field.get(key)?;
        Some(super::source::cell(
            self.record.get(column).unwrap_or_default(),
        ))
    }

    /// The field's cell, or `""` when no column fills it.
    pub fn text(&self, key: &str) -> &str {
        self.get(key).unwrap_or_default()
    }

    pub fn maps(&self, key: &str) -> bool {
        self.mapping.maps(key)
    }
}

/// A record kind that can be imported. `Key` is the permission that imports (and reaches the
/// records a duplicate is matched against); `UpdateKey` the one that may change an existing
/// record when the person chooses to update duplicates.
pub trait Importer: Send + Sync + 'static {
    type Key: Key;
    type UpdateKey: Key;
    type Row: Send + Sync;
    /// What a run resolves once, before its rows are checked: what every new record shares
    /// (an assignee and team), what a cell's reading depends on (the workspace's currency).
    type Setup: Send + Sync;

    const LIST: ImportList;

    /// The fields, as the grant may fill them (a sensitive field only with its key).
    fn fields(grant: &Grant<Self::Key>) -> Vec<FieldDef>;

    /// One row, checked. A sensitive field is in the mapping only for a holder of its key.
    fn check(setup: &Self::Setup, values: &Values<'_>) -> Result<Self::Row, Problem>;

    /// The field that finds an existing record, and its value in the row (lower-cased).
    const MATCH_FIELD: &'static str;
    fn match_key(row: &Self::Row) -> Option<String>;

    fn setup(
        conn: &mut sqlx::AnyConnection,
        grant: &Grant<Self::Key>,
        plan: &ImportPlan,
    ) -> impl Future<Output = Result<Self::Setup, DomainError>> + Send;

    /// The ids of the records `grant` reaches whose match field is one of `keys`.
    fn existing<K: Key>(
        conn: &mut sqlx::AnyConnection,
        grant: &Grant<K>,
        keys: &[String],
    ) -> impl Future<Output = Result<HashMap<String, String>, DomainError>> + Send;

    fn insert(
        conn: &mut sqlx::AnyConnection,
        clock: &Clock,
        grant: &Grant<Self::Key>,
        setup: &Self::Setup,
        row: &Self::Row,
    ) -> impl Future<Output = Result<(), DomainError>> + Send;

    /// The existing records of the workspace an import may not change, each with why (a
    /// customer restricted at their request): a row matching one is refused with that reason.
    fn locked(
        _conn: &mut sqlx::AnyConnection,
        _workspace: &WorkspaceId,
    ) -> impl Future<Output = Result<HashMap<String, &'static str>, DomainError>> + Send {
        async { Ok(HashMap::new()) }
    }

    /// Sets the row's mapped fields on the existing record `id`.
    fn update(
        conn: &mut sqlx::AnyConnection,
        clock: &Clock,
        grant: &Grant<Self::UpdateKey>,
        id: &str,
        row: &Self::Row,
    ) -> impl Future<Output = Result<(), DomainError>> + Send;
}
