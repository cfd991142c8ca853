//! The audit log: who changed who may do what, with the state before and after. Each entry
//! is appended to its workspace's hash chain (`audit::chain`) in the same transaction.

use sqlx::Row;

use crate::model::{AuditEntry, AuditPage, RecordChange, AUDIT_FAMILIES};
use crate::permissions::keys;
use crate::server::access::grants::Grant;
use crate::server::audit::append::{append, Acting, Event, Outcome};
use crate::server::audit::labels;
use crate::server::audit::selection::Selection;
use crate::server::platform::clock::Clock;
use crate::server::platform::db::Db;
use crate::server::platform::error::DomainError;
use crate::server::records::sql::Sql;

/// Entries per page of the audit page.
pub const PAGE_SIZE: i64 = 50;

/// One change: what was done (`role.update`), to what (an id), and the state around it.
pub struct Change<'a> {
    pub action: &'a str,
    pub target: &'a str,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
}

/// Records one change inside the caller's transaction, so the change and its record land
/// together or not at all.
pub async fn record(
    conn: &mut sqlx::AnyConnection,
    clock: &Clock,
    by: Acting<'_>,
    change: Change<'_>,
) -> Result<(), DomainError> {
    let event = Event {
        actor: by.actor(),
        action: change.action,
        target: change.target,
        outcome: Outcome::Done,
        reason: None,
        before: change.before.map(|v| v.to_string()),
        after: change.after.map(|v| v.to_string()),
        origin: by.origin,
        count: 1,
        at_ms: clock.now_ms(),
    };
    append(conn, by.workspace, event).await
}

/// The workspace's audit log, newest first, `PAGE_SIZE` entries of `selection` after `before`
/// (an entry id; ids are time-ordered UUIDv7). Targets are named where they still exist. The
/// newest page also lists the workspace's people, to filter by. Needs `audit.read`.
pub async fn list(
    db: &Db,
    grant: &Grant<keys::AuditRead>,
    selection: &Selection,
    before: Option<&str>,
) -> Result<AuditPage, DomainError> {
    let mut sql = Sql::default();
    sql.push(ENTRIES)
        .push(" WHERE a.workspace_id = ")
        .arg(grant.workspace().as_str());
    if let Some(before) = before {
        sql.push(" AND a.id < ").arg(before);
    }
    selection.push_where(&mut sql);
    sql.push(" ORDER BY a.id DESC LIMIT ").int(PAGE_SIZE + 1);
    let mut tx = grant.begin(db, false).await?;
    let rows = sql.query().fetch_all(&mut *tx).await?;
    let actors = match before {
        Some(_) => Vec::new(),
        None => people(&mut tx, grant).await?,
    };
    tx.commit().await?;
    let mut entries = rows
        .iter()
        .map(entry)
        .collect::<Result<Vec<_>, sqlx::Error>>()?;
    let next = if entries.len() as i64 > PAGE_SIZE {
        entries.truncate(PAGE_SIZE as usize);
        entries.last().map(|e| e.id.clone())
    } else {
        None
    };
    Ok(AuditPage {
        entries,
        next,
        verification: None,
        families: match before {
            Some(_) => Vec::new(),
            None => AUDIT_FAMILIES
                .iter()
                .map(|(v, l)| ((*v).to_owned(), (*l).to_owned()))
                .collect(),
        },
        actors,
        retention: None,
    })
}

/// The workspace's people, to filter a log by: (id, name), by name.
pub async fn people(
    conn: &mut sqlx::AnyConnection,
    grant: &Grant<keys::AuditRead>,
) -> Result<Vec<(String, String)>, DomainError> {
    Ok(sqlx::query(
        "SELECT u.id, u.display_name FROM memberships m JOIN users u ON u.id = m.user_id \
         WHERE m.workspace_id = $1 ORDER BY u.display_name, u.id",
    )
    .bind(grant.workspace().as_str())
    .fetch_all(conn)
    .await?
    .iter()
    .map(|r| Ok((r.try_get("id")?, r.try_get("display_name")?)))
    .collect::<Result<_, sqlx::Error>>()?)
}

/// The columns of an entry and the names of what it is about.
const ENTRIES: &str = "SELECT a.id, a.created_at, a.action, a.target, a.before_state, \
     a.after_state, a.seq, a.entry_hash, a.actor_kind, a.outcome, a.reason, a.ip, \
     a.user_agent, a.count, \
     COALESCE(u.display_name, 'API key ' || k.name, 'Automation ' || au.name) AS actor, \
     COALESCE(r.name, tu.display_name, t.name) AS target_name \
     FROM audit_log a LEFT JOIN users u ON u.id = a.actor_id \
     LEFT JOIN api_keys k ON a.actor_kind = 'api_key' AND k.workspace_id = a.workspace_id \
       AND k.id = a.actor_ref \
     LEFT JOIN automations au ON a.actor_kind = 'automation' \
       AND au.workspace_id = a.workspace_id AND au.id = a.actor_ref \
     LEFT JOIN roles r ON r.workspace_id = a.workspace_id AND r.id = a.target \
     LEFT JOIN users tu ON tu.id = a.target \
     LEFT JOIN teams t ON t.workspace_id = a.workspace_id AND t.id = a.target";

fn entry(r: &sqlx::any::AnyRow) -> Result<AuditEntry, sqlx::Error> {
    let target: String = r.try_get("target")?;
    let action: String = r.try_get("action")?;
    let before: Option<String> = r.try_get("before_state")?;
    let after: Option<String> = r.try_get("after_state")?;
    // A deleted role, team or department (and an invitation) is named by the state
    // recorded with it.
    let name = r.try_get::<Option<String>, _>("target_name")?.or_else(|| {
        [&before, &after]
            .into_iter()
            .flatten()
            .find_map(|state| recorded_name(state))
    });
    Ok(AuditEntry {
        id: r.try_get("id")?,
        at_ms: r.try_get("created_at")?,
        actor: r.try_get("actor")?,
        label: labels::action_label(&action).to_owned(),
        action,
        target: name.unwrap_or(target),
        before,
        after,
        seq: r.try_get::<Option<i64>, _>("seq")?.unwrap_or_default(),
        entry_hash: r
            .try_get::<Option<String>, _>("entry_hash")?
            .unwrap_or_default(),
        actor_kind: r.try_get("actor_kind")?,
        outcome: r.try_get("outcome")?,
        reason: r.try_get("reason")?,
        ip: r.try_get("ip")?,
        user_agent: r.try_get("user_agent")?,
        count: r.try_get("count")?,
    })
}

/// A record's own history: the entries about `target` (a record id), newest first, at most
/// 100. Needs `audit.read`.
pub async fn history(
    db: &Db,
    grant: &Grant<keys::AuditRead>,
    target: &str,
) -> Result<Vec<RecordChange>, DomainError> {
    let mut tx = grant.begin(db, false).await?;
    let rows = sqlx::query(&format!(
        "{ENTRIES} WHERE a.workspace_id = $1 AND a.target = $2 ORDER BY a.id DESC LIMIT 100"
    ))
    .bind(grant.workspace().as_str())
    .bind(target)
    .fetch_all(&mut *tx)
    .await?;
    tx.commit().await?;
    let entries = rows.iter().map(entry).collect::<Result<Vec<_>, _>>()?;
    // A customer erased on request: the trail keeps what was recorded (its chain must hold),
    // but the record's page shows none of the person's values from before the erasure. The
    // entries come newest first.
    let mut erased = false;
    Ok(entries
        .into_iter()
        .map(|e| {
            let before_erasure = erased;
            erased |= e.action == "privacy.erase";
            let mut change = change_of(e);
            if before_erasure {
                for (_, before, after) in &mut change.fields {
                    for value in [before, after] {
                        if !value.is_empty() {
                            *value = "(erased on request)".to_owned();
                        }
                    }
                }
            }
            change
        })
        .collect())
}

/// An entry as a record's history shows it: each field of the recorded states, before and
/// after, as text.
fn change_of(e: AuditEntry) -> RecordChange {
    let parse = |state: &Option<String>| {
        state
            .as_deref()
            .and_then(|s| serde_json::from_str::<serde_json::Value>(s).ok())
            .and_then(|v| v.as_object().cloned())
            .unwrap_or_default()
    };
    let (before, after) = (parse(&e.before), parse(&e.after));
    let text = |v: Option<&serde_json::Value>| match v {
        None | Some(serde_json::Value::Null) => String::new(),
        Some(serde_json::Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
    };
    let mut names: Vec<&String> = before.keys().chain(after.keys()).collect();
    names.sort();
    names.dedup();
    let fields = names
        .into_iter()
        .map(|n| (n.clone(), text(before.get(n)), text(after.get(n))))
        .collect();
    RecordChange {
        at_ms: e.at_ms,
        actor: e.actor,
        action: e.action,
        fields,
    }
}

/// The `name` (or, for an invitation, the `email`) a recorded state carries, if any.
fn recorded_name(state: &str) -> Option<String> {
    let state = serde_json::from_str::<serde_json::Value>(state).ok()?;
    state
        .get("name")
        .or_else(|| state.get("email"))?
        .as_str()
        .map(str::to_owned)
}
