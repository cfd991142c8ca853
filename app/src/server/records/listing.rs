//! A list request, checked once for every kind: the sort (one of the kind's sort columns, either
//! way), the filters all kinds share (assignee, team, the days a record was created), the search
//! and the keyset cursor — turned into the clauses of one statement around the kind's own.

use super::kind::{Reach, RecordKind};
use super::pages::{page_size, search_clause};
use super::rows;
use super::sql::Sql;
use crate::model::{ListFilters, SortColumn, TeamId, UserId};
use crate::permissions::Key;
use crate::server::access::grants::{Export, Grant};
use crate::server::platform::days;
use crate::server::platform::db::Db;
use crate::server::platform::error::DomainError;
use crate::server::workspace::login_hours::time_zone;

/// What every list request carries, before it is checked.
#[derive(Debug, Default, Clone)]
pub struct ListParams {
    /// Matches the kind's search expressions, without regard to case.
    pub search: String,
    pub filters: ListFilters,
    /// The last id of the previous page.
    pub after: Option<String>,
    /// The page size; `None`: the default.
    pub limit: Option<u32>,
    /// Set by an export: pages of [`ExportBatch::ROWS`], beyond a page's cap.
    pub batch: Option<ExportBatch>,
}

impl ListParams {
    /// A page as a list page asks for it: the default size.
    pub fn page(search: String, filters: Option<ListFilters>, after: Option<String>) -> Self {
        Self {
            search,
            filters: filters.unwrap_or_default(),
            after,
            ..Self::default()
        }
    }
}

/// A list's own filter by one of a few values (`status=open`): empty is no filter, anything
/// else must be one of them, or `field` is refused.
pub fn choice<T>(
    raw: &str,
    field: &'static str,
    parse: impl Fn(&str) -> Option<T>,
) -> Result<Option<T>, DomainError> {
    match raw.trim() {
        "" => Ok(None),
        key => parse(key)
            .map(Some)
            .ok_or_else(|| DomainError::invalid(field, "Choose one from the list.")),
    }
}

/// Pages the size of an export's batch. Only an [`Export`] proof makes one, so a list request
/// from a browser stays within a page's cap.
#[derive(Clone, Copy, Debug)]
pub struct ExportBatch(());

impl ExportBatch {
    /// Rows per statement: large enough that the per-statement cost vanishes, small enough
    /// that a batch is a few hundred kilobytes.
    pub const ROWS: u32 = 2_000;

    pub fn of<K: Key>(_: &Export<'_, K>) -> Self {
        Self(())
    }
}

/// Whose and which team's records a list or report is narrowed to (within the caller's reach:
/// it adds to the scope's clause, never replaces it).
#[derive(Debug, Default)]
pub struct Narrowing {
    assignee: Option<UserId>,
    team: Option<TeamId>,
}

impl Narrowing {
    /// Reads `filters.assignee` (`me` or a member's id) and `filters.team` for records of
    /// `kind`; a kind without assignees refuses both.
    pub fn parse<K: Key>(
        kind: &RecordKind,
        grant: &Grant<K>,
        filters: &ListFilters,
    ) -> Result<Self, DomainError> {
        let assigned = matches!(kind.reach, Reach::Assigned { .. });
        let unassignable = |field: &'static str| {
            DomainError::invalid(field, format!("A {} has no {field}.", kind.noun))
        };
        let assignee =
            match filters.assignee.trim() {
                "" => None,
                _ if !assigned => return Err(unassignable("assignee")),
                "me" => Some(grant.user().clone()),
                id => Some(UserId::from_client(id.to_owned()).map_err(|_| {
                    DomainError::invalid("assignee", "Choose a person from the list.")
                })?),
            };
        let team = match filters.team.trim() {
            "" => None,
            _ if !assigned => return Err(unassignable("team")),
            id => Some(
                TeamId::from_client(id)
                    .map_err(|_| DomainError::invalid("team", "Choose a team from the list."))?,
            ),
        };
        Ok(Self { assignee, team })
    }

    /// ` AND …` for the chosen person and team over `kind`'s alias.
    pub fn apply(&self, sql: &mut Sql, kind: &RecordKind) {
        if let Reach::Assigned { assignee, team } = kind.reach {
            let a = kind.alias;
            if let Some(user) = &self.assignee {
                sql.push(&format!(" AND {a}.{assignee} = "))
                    .arg(user.as_str());
            }
            if let Some(id) = &self.team {
                sql.push(&format!(" AND {a}.{team} = ")).arg(id.as_str());
            }
        }
    }
}

/// A list request of one kind, every part checked.
#[derive(Debug)]
pub struct Listing {
    kind: &'static RecordKind,
    sort: &'static SortColumn,
    descending: bool,
    narrowing: Narrowing,
    /// `[start, end)` in ms: from the start of the first day to the start of the day after the
    /// last, on the workspace's calendar.
    created: Option<(i64, i64)>,
    search: String,
    after: Option<String>,
    limit: u32,
}

impl Listing {
    /// Checks a list request of `kind` for the holder of `grant`; the refused field is named.
    pub async fn parse<K: Key>(
        db: &Db,
        grant: &Grant<K>,
        kind: &'static RecordKind,
        params: &ListParams,
    ) -> Result<Self, DomainError> {
        let filters = &params.filters;
        let (key, descending) = filters.sorted_by(kind.sorts);
        let sort = kind
            .sorts
            .columns
            .iter()
            .find(|s| s.key == key)
            .ok_or_else(|| DomainError::invalid("sort", "Sort by one of the list's columns."))?;
        let narrowing = Narrowing::parse(kind, grant, filters)?;
        let created = match days::range(&filters.from, &filters.until)? {
            Some(range) => Some(range.span_ms(time_zone(db, grant.workspace()).await?)),
            None => None,
        };
        Ok(Self {
            kind,
            sort,
            descending,
            narrowing,
            created,
            search: params.search.clone(),
            after: params.after.clone().filter(|a| !a.is_empty()),
            limit: match params.batch {
                Some(_) => ExportBatch::ROWS,
                None => page_size(params.limit),
            },
        })
    }

    /// `SELECT <columns> WHERE <scope> <cap> <search> <filters>`: the kind adds its own filters
    /// after this and ends with [`Self::finish`].
    pub fn select<K: Key>(&self, columns: &str, grant: &Grant<K>) -> Sql {
        let kind = self.kind;
        let a = kind.alias;
        let mut sql = rows::reachable(kind, columns, grant);
        search_clause(&mut sql, kind, &self.search);
        self.narrowing.apply(&mut sql, kind);
        if let Some((start, end)) = self.created {
            sql.push(&format!(" AND {a}.created_at >= "))
                .int(start)
                .push(&format!(" AND {a}.created_at < "))
                .int(end);
        }
        sql
    }

    /// ` AND <after the cursor> ORDER BY … LIMIT n+1`: the page in the chosen order, one row
    /// more than the page to know whether there is a next. The cursor row is looked up in the
    /// grant's workspace, so a foreign id finds nothing.
    pub fn finish<K: Key>(&self, sql: &mut Sql, grant: &Grant<K>) {
        let (a, table, column) = (self.kind.alias, self.kind.table, self.sort.column);
        let (beyond, dir) = if self.descending {
            ("<", "DESC")
        } else {
            (">", "ASC")
        };
        if let Some(after) = &self.after {
            sql.push(&format!(
                " AND ({a}.{column}, {a}.id) {beyond} (SELECT p.{column}, p.id FROM {table} p \
                 WHERE p.id = "
            ))
            .arg(after.as_str())
            .push(" AND p.workspace_id = ")
            .arg(grant.workspace().as_str())
            .push(")");
        }
        sql.push(&format!(
            " ORDER BY {a}.{column} {dir}, {a}.id {dir} LIMIT "
        ))
        .int(i64::from(self.limit) + 1);
    }

    /// How many rows `statement` — [`Self::select`] with the kind's own filters, not
    /// finished — finds in all: the end of an export's progress bar.
    pub async fn count<K: Key>(
        &self,
        statement: Sql,
        db: &Db,
        grant: &Grant<K>,
    ) -> Result<u64, DomainError> {
        use sqlx::Row;
        let sql = statement.counted();
        let mut tx = grant.begin(db, false).await?;
        let n: i64 = sql.query().fetch_one(&mut *tx).await?.try_get("n")?;
        tx.commit().await?;
        Ok(u64::try_from(n).unwrap_or_default())
    }

    /// Cuts the extra row [`Self::finish`] asked for; the cursor of the next page, if any.
    pub fn cut<T>(&self, items: &mut Vec<T>, id: impl Fn(&T) -> String) -> Option<String> {
        super::pages::cut(items, self.limit, id)
    }
}
