//! Bulk actions: one change to many records of a kind at once — assign, delete, and a kind's
//! own (a ticket status). Each takes a [`Bulk`] grant (the role allows bulk work), a selection
//! no larger than the role's max-records cap, and every chosen record within the grant's
//! reach; it is one transaction — all of the records change or none does — and one audit
//! entry listing them.

use serde_json::json;
use sqlx::Row;

use super::assignment;
use super::kind::RecordKind;
use super::scope::{cap_filter, scope_filter};
use super::sql::Sql;
use crate::model::UserId;
use crate::permissions::Key;
use crate::server::access::audit::{self, Change};
use crate::server::access::grants::{Bulk, Grant};
use crate::server::platform::clock::Clock;
use crate::server::platform::db::Db;
use crate::server::platform::error::DomainError;

/// The most records one bulk action takes, whatever the role.
pub const MAX_SELECTION: usize = 500;

/// The chosen records' ids: distinct, each shaped like an id, 1 to [`MAX_SELECTION`] of them.
#[derive(Debug, Clone)]
pub struct Selection(Vec<String>);

impl Selection {
    /// Reads ids separated by commas (or white space), as the list's form sends them.
    pub fn parse(raw: &str) -> Result<Self, DomainError> {
        let mut ids: Vec<String> = Vec::new();
        for part in raw.split(|c: char| c == ',' || c.is_whitespace()) {
            if part.is_empty() {
                continue;
            }
            let id = UserId::from_client(part.to_owned())
                .map_err(|_| DomainError::invalid("ids", "Choose records from the list."))?;
            if !ids.iter().any(|known| known == id.as_str()) {
                ids.push(id.as_str().to_owned());
            }
        }
        if ids.is_empty() {
            return Err(DomainError::invalid("ids", "Choose at least one record."));
        }
        if ids.len() > MAX_SELECTION {
            return Err(DomainError::invalid(
                "ids",
                format!("Choose at most {MAX_SELECTION} records at once."),
            ));
        }
        Ok(Self(ids))
    }

    pub fn ids(&self) -> &[String] {
        &self.0
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// ` AND alias.id IN (…)` for the selection.
pub fn in_clause(sql: &mut Sql, alias: &str, selection: &Selection) {
    sql.push(&format!(" AND {alias}.id IN ("));
    for (i, id) in selection.ids().iter().enumerate() {
        if i > 0 {
            sql.push(", ");
        }
        sql.arg(id.as_str());
    }
    sql.push(")");
}

/// Refuses a selection larger than the role's max-records cap, or naming any record the grant
/// does not reach (gone, another workspace's, out of scope or beyond the cap) — without saying
/// which, so nothing about records out of reach is told.
pub async fn check_reach<K: Key>(
    conn: &mut sqlx::AnyConnection,
    kind: &RecordKind,
    grant: &Grant<K>,
    selection: &Selection,
) -> Result<(), DomainError> {
    if let Some(cap) = grant.restrictions().max_records {
        if selection.len() > cap as usize {
            return Err(DomainError::invalid(
                "ids",
                format!("Your role works with at most {cap} records at once."),
            ));
        }
    }
    let (table, a) = (kind.table, kind.alias);
    let mut sql = Sql::default();
    sql.push(&format!("SELECT COUNT(*) AS n FROM {table} {a} WHERE"));
    scope_filter(&mut sql, kind, grant);
    cap_filter(&mut sql, kind, grant);
    in_clause(&mut sql, a, selection);
    let reached: i64 = sql.query().fetch_one(&mut *conn).await?.try_get("n")?;
    if reached as usize != selection.len() {
        return Err(DomainError::Conflict(format!(
            "Some of the chosen {}s are gone or out of your reach, so nothing was changed. \
             Reload the list and choose again.",
            kind.noun
        )));
    }
    Ok(())
}

/// The one audit entry of a bulk action: `{noun}.bulk_{action}`, the records and what was set.
pub async fn log<K: Key>(
    conn: &mut sqlx::AnyConnection,
    clock: &Clock,
    grant: &Grant<K>,
    kind: &RecordKind,
    action: &str,
    selection: &Selection,
    set: serde_json::Value,
) -> Result<(), DomainError> {
    let action = format!("{}.bulk_{action}", kind.noun);
    let target = format!("{} {}s", selection.len(), kind.noun);
    let change = Change {
        action: &action,
        target: &target,
        before: None,
        after: Some(json!({ "records": selection.ids(), "set": set })),
    };
    audit::record(conn, clock, grant.acting(), change).await
}

/// Who the chosen records go to.
pub struct AssignForm<'a> {
    /// Empty: the writer — or, where `may_be_unassigned`, nobody.
    pub assigned_user_id: &'a str,
    /// Empty: no team.
    pub team_id: &'a str,
    /// Whether the kind's records may wait unassigned (tickets).
    pub may_be_unassigned: bool,
}

/// Assigns every chosen record of `kind` to one person and team, which must be within the
/// writer's reach; returns how many changed.
pub async fn assign<K: Key>(
    db: &Db,
    clock: &Clock,
    bulk: &Bulk<'_, K>,
    kind: &RecordKind,
    selection: &Selection,
    form: AssignForm<'_>,
) -> Result<usize, DomainError> {
    let grant = bulk.grant();
    let mut tx = grant.begin(db, true).await?;
    check_reach(&mut tx, kind, grant, selection).await?;
    let (assigned, team) = if form.may_be_unassigned {
        let q =
            assignment::resolve_queue(&mut tx, grant, kind, form.assigned_user_id, form.team_id)
                .await?;
        (q.assigned, q.team)
    } else {
        let a =
            assignment::resolve(&mut tx, grant, kind, form.assigned_user_id, form.team_id).await?;
        (Some(a.assigned), a.team)
    };
    let (assigned, team) = (
        assigned.map(|u| u.as_str().to_owned()),
        team.map(|t| t.as_str().to_owned()),
    );
    let mut sql = Sql::default();
    sql.push(&format!("UPDATE {} SET assigned_user_id = ", kind.table));
    match &assigned {
        Some(user) => sql.arg(user.as_str()),
        None => sql.push("NULL"),
    };
    sql.push(", team_id = ");
    match &team {
        Some(t) => sql.arg(t.as_str()),
        None => sql.push("NULL"),
    };
    sql.push(", version = version + 1, updated_at = ")
        .int(clock.now_ms())
        .push(" WHERE workspace_id = ")
        .arg(grant.workspace().as_str());
    in_clause(&mut sql, kind.table, selection);
    let changed = sql.query().execute(&mut *tx).await?.rows_affected() as usize;
    let set = json!({ "assigned_user_id": assigned, "team_id": team });
    log(&mut tx, clock, grant, kind, "assign", selection, set).await?;
    tx.commit().await?;
    Ok(changed)
}

/// Deletes every chosen record of `kind`; if any is still named by other records, none is
/// deleted. Returns how many were.
pub async fn delete<K: Key>(
    db: &Db,
    clock: &Clock,
    bulk: &Bulk<'_, K>,
    kind: &RecordKind,
    selection: &Selection,
) -> Result<usize, DomainError> {
    let grant = bulk.grant();
    let mut tx = grant.begin(db, true).await?;
    check_reach(&mut tx, kind, grant, selection).await?;
    let mut sql = Sql::default();
    sql.push(&format!("DELETE FROM {} WHERE workspace_id = ", kind.table))
        .arg(grant.workspace().as_str());
    in_clause(&mut sql, kind.table, selection);
    let deleted = sql.query().execute(&mut *tx).await.map_err(|e| match e {
        sqlx::Error::Database(d) if d.kind() == sqlx::error::ErrorKind::ForeignKeyViolation => {
            DomainError::Conflict(format!(
                "Some of the chosen {}s are still named by other records (quotes, orders, …), \
                 so none was deleted.",
                kind.noun
            ))
        }
        other => other.into(),
    })?;
    log(
        &mut tx,
        clock,
        grant,
        kind,
        "delete",
        selection,
        json!(null),
    )
    .await?;
    tx.commit().await?;
    Ok(deleted.rows_affected() as usize)
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: &str = "0190f5a2-0000-7000-8000-000000000001";
    const B: &str = "0190f5a2-0000-7000-8000-000000000002";

    #[test]
    fn a_selection_is_distinct_well_formed_ids_within_the_limit() {
        let s = Selection::parse(&format!(" {A},{B}, {A}\n")).unwrap();
        assert_eq!(s.ids(), [A, B]);
        for bad in ["", " , ", "not-an-id", &format!("{A},1 OR 1=1")] {
            assert!(
                matches!(
                    Selection::parse(bad),
                    Err(DomainError::Invalid { field: "ids", .. })
                ),
                "{bad:?}"
            );
        }
        let many: Vec<String> = (0..=MAX_SELECTION)
            .map(|i| format!("0190f5a2-0000-7000-8000-{i:012}"))
            .collect();
        assert!(Selection::parse(&many.join(",")).is_err());
        assert_eq!(
            Selection::parse(&many[..MAX_SELECTION].join(","))
                .unwrap()
                .len(),
            MAX_SELECTION
        );
    }
}
