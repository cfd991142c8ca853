//! The audit log as a hash chain per workspace. Each entry carries its place in the chain
//! (`seq`, from 1), the hash of the entry before it, and the hash of its own content with that
//! one — so an entry edited, deleted, moved or slipped in shows when the chain is walked again
//! ([`super::verify`]). Appends to one workspace are serialised by its head row
//! (`audit_heads`), which an append locks with its first statement: on PostgreSQL across server
//! processes too, on SQLite by its single writer. The chain never forks.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use sqlx::Row;

use crate::model::WorkspaceId;
use crate::server::platform::db::Db;
use crate::server::platform::digest::hex;
use crate::server::platform::error::DomainError;
use crate::server::records::sql::Sql;

/// The hash "before" a workspace's first entry.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// What an entry's hash covers: every field it records, and its place.
#[derive(Debug, Clone, Copy)]
pub struct Content<'a> {
    pub workspace: &'a str,
    pub seq: i64,
    pub id: &'a str,
    pub actor: Option<&'a str>,
    pub action: &'a str,
    pub target: &'a str,
    pub before: Option<&'a str>,
    pub after: Option<&'a str>,
    pub at_ms: i64,
    /// `None` for the entries written before the trail recorded outcomes (migration 0036).
    pub detail: Option<Detail<'a>>,
}

/// What the trail records of an entry beyond the change: who acted, how it ended, why, from
/// where and how often.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Detail<'a> {
    pub actor_kind: Option<&'a str>,
    pub outcome: &'a str,
    pub reason: Option<&'a str>,
    pub ip: Option<&'a str>,
    pub user_agent: Option<&'a str>,
    pub count: Option<i64>,
}

/// SHA-256 over the previous entry's hash and the content as a JSON array — one encoding with
/// no ambiguity between fields, whatever characters the values hold — in lower-case hex.
pub fn hash(prev: &str, c: &Content<'_>) -> String {
    let content = (
        c.workspace,
        c.seq,
        c.id,
        c.actor,
        c.action,
        c.target,
        c.before,
        c.after,
        c.at_ms,
    );
    let mut digest = Digesting(Sha256::new());
    digest.0.update(prev.as_bytes());
    digest.0.update(b"\n");
    // A tuple is written as the same compact JSON array as `json!`, straight into the digest;
    // an entry with detail is a longer array, so the two encodings cannot be confused.
    let written = match &c.detail {
        None => serde_json::to_writer(&mut digest, &content),
        Some(d) => serde_json::to_writer(
            &mut digest,
            &(
                content,
                (
                    d.actor_kind,
                    d.outcome,
                    d.reason,
                    d.ip,
                    d.user_agent,
                    d.count,
                ),
            ),
        ),
    };
    written.expect("writing into a digest cannot fail");
    hex(&digest.0.finalize())
}

/// Feeds what is written into the digest.
struct Digesting(Sha256);

impl std::io::Write for Digesting {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.update(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// One entry as the chain keeps it, with the hashes that tie it to the one before.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    pub id: String,
    pub seq: i64,
    pub actor: Option<String>,
    pub action: String,
    pub target: String,
    pub before: Option<String>,
    pub after: Option<String>,
    pub at_ms: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub actor_kind: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outcome: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ip: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_agent: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub count: Option<i64>,
    pub prev_hash: Option<String>,
    pub entry_hash: Option<String>,
}

impl Entry {
    /// What the entry's hash covers, in `workspace`'s chain.
    pub fn content<'a>(&'a self, workspace: &'a str) -> Content<'a> {
        Content {
            workspace,
            seq: self.seq,
            id: &self.id,
            actor: self.actor.as_deref(),
            action: &self.action,
            target: &self.target,
            before: self.before.as_deref(),
            after: self.after.as_deref(),
            at_ms: self.at_ms,
            detail: self.outcome.as_deref().map(|outcome| Detail {
                actor_kind: self.actor_kind.as_deref(),
                outcome,
                reason: self.reason.as_deref(),
                ip: self.ip.as_deref(),
                user_agent: self.user_agent.as_deref(),
                count: self.count,
            }),
        }
    }
}

/// Every workspace, in a fixed order, for the walks over all chains.
pub async fn workspaces(db: &Db) -> Result<Vec<WorkspaceId>, DomainError> {
    let rows = sqlx::query("SELECT id FROM workspaces ORDER BY id")
        .fetch_all(db.pool())
        .await?;
    rows.iter()
        .map(|r| Ok(WorkspaceId::from_db(r.try_get("id")?)))
        .collect()
}

/// A workspace's chain head: the last entry's place and hash (or the start a walk begins at).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Head {
    pub seq: i64,
    pub hash: String,
}

impl Head {
    /// Before a workspace's first entry.
    pub fn genesis() -> Self {
        Self {
            seq: 0,
            hash: GENESIS.to_owned(),
        }
    }
}

/// Takes the workspace's head for an append, locking it until the transaction ends (a new
/// workspace's head starts at the genesis).
pub async fn lock_head(
    conn: &mut sqlx::AnyConnection,
    workspace: &WorkspaceId,
) -> Result<Head, DomainError> {
    let row = sqlx::query(
        "INSERT INTO audit_heads (workspace_id, seq, entry_hash) VALUES ($1, 0, $2) \
         ON CONFLICT (workspace_id) DO UPDATE SET seq = audit_heads.seq \
         RETURNING seq, entry_hash",
    )
    .bind(workspace.as_str())
    .bind(GENESIS)
    .fetch_one(&mut *conn)
    .await?;
    Ok(Head {
        seq: row.try_get("seq")?,
        hash: row.try_get("entry_hash")?,
    })
}

/// Moves the workspace's head to the entry just appended.
pub async fn advance(
    conn: &mut sqlx::AnyConnection,
    workspace: &WorkspaceId,
    head: &Head,
) -> Result<(), DomainError> {
    sqlx::query("UPDATE audit_heads SET seq = $1, entry_hash = $2 WHERE workspace_id = $3")
        .bind(head.seq)
        .bind(&head.hash)
        .bind(workspace.as_str())
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// The statement for the workspace's entries after place `after` and up to place `upto`
/// (the audit log aliased `a`); the caller may narrow it, then adds the order and limit.
pub fn entries_sql(workspace: &WorkspaceId, after: i64, upto: i64) -> Sql {
    let mut sql = Sql::default();
    sql.push(
        "SELECT a.id, a.seq, a.actor_ref, a.action, a.target, a.before_state, a.after_state, \
         a.created_at, a.actor_kind, a.outcome, a.reason, a.ip, a.user_agent, a.count, \
         a.prev_hash, a.entry_hash FROM audit_log a WHERE a.workspace_id = ",
    )
    .arg(workspace.as_str())
    .push(" AND a.seq > ")
    .int(after)
    .push(" AND a.seq <= ")
    .int(upto);
    sql
}

/// The entries `sql` (from [`entries_sql`]) selects, read in the transaction `conn` belongs to.
pub async fn fetch_entries(
    conn: &mut sqlx::AnyConnection,
    sql: &Sql,
) -> Result<Vec<Entry>, DomainError> {
    let rows = sql.query().fetch_all(&mut *conn).await?;
    rows.iter()
        .map(|row| {
            Ok(Entry {
                id: row.try_get("id")?,
                seq: row.try_get("seq")?,
                actor: row.try_get("actor_ref")?,
                action: row.try_get("action")?,
                target: row.try_get("target")?,
                before: row.try_get("before_state")?,
                after: row.try_get("after_state")?,
                at_ms: row.try_get("created_at")?,
                actor_kind: row.try_get("actor_kind")?,
                outcome: row.try_get("outcome")?,
                reason: row.try_get("reason")?,
                ip: row.try_get("ip")?,
                user_agent: row.try_get("user_agent")?,
                count: row.try_get("count")?,
                prev_hash: row.try_get("prev_hash")?,
                entry_hash: row.try_get("entry_hash")?,
            })
        })
        .collect()
}

/// Up to `limit` entries of the workspace's chain after place `after` and up to place `upto`,
/// in their order.
pub async fn entries(
    conn: &mut sqlx::AnyConnection,
    workspace: &WorkspaceId,
    after: i64,
    upto: i64,
    limit: i64,
) -> Result<Vec<Entry>, DomainError> {
    let mut sql = entries_sql(workspace, after, upto);
    sql.push(" ORDER BY a.seq LIMIT ").int(limit);
    fetch_entries(conn, &sql).await
}

/// The workspace's head as stored (the genesis when its chain has not started).
pub async fn head(
    conn: &mut sqlx::AnyConnection,
    workspace: &WorkspaceId,
) -> Result<Head, DomainError> {
    let row = sqlx::query("SELECT seq, entry_hash FROM audit_heads WHERE workspace_id = $1")
        .bind(workspace.as_str())
        .fetch_optional(&mut *conn)
        .await?;
    Ok(match row {
        Some(row) => Head {
            seq: row.try_get("seq")?,
            hash: row.try_get("entry_hash")?,
        },
        None => Head::genesis(),
    })
}

/// Chains the entries written before the chain existed, in the order they were written, for
/// each workspace whose chain has not started. Runs when the server starts, before it serves;
/// a workspace whose chain has started is left alone, so an entry slipped in later without a
/// place is reported by the verification, never adopted.
pub async fn adopt_unchained(db: &Db) -> Result<u64, DomainError> {
    let workspaces: Vec<String> = sqlx::query(
        "SELECT id FROM workspaces w WHERE NOT EXISTS \
         (SELECT 1 FROM audit_heads h WHERE h.workspace_id = w.id)",
    )
    .fetch_all(db.pool())
    .await?
    .iter()
    .map(|r| r.try_get("id"))
    .collect::<Result<_, _>>()?;
    let mut adopted = 0;
    for raw in workspaces {
        let workspace = WorkspaceId::from_db(raw);
        let mut tx = db.begin_in(&workspace, true).await?;
        let mut head = lock_head(&mut tx, &workspace).await?;
        if head.seq == 0 {
            let rows = sqlx::query(
                "SELECT id, actor_id, action, target, before_state, after_state, created_at \
                 FROM audit_log WHERE workspace_id = $1 AND seq IS NULL ORDER BY id",
            )
            .bind(workspace.as_str())
            .fetch_all(&mut *tx)
            .await?;
            for row in &rows {
                let id: String = row.try_get("id")?;
                let actor: Option<String> = row.try_get("actor_id")?;
                let (before, after): (Option<String>, Option<String>) =
                    (row.try_get("before_state")?, row.try_get("after_state")?);
                let content = Content {
                    workspace: workspace.as_str(),
                    seq: head.seq + 1,
                    id: &id,
                    actor: actor.as_deref(),
                    action: &row.try_get::<String, _>("action")?,
                    target: &row.try_get::<String, _>("target")?,
                    before: before.as_deref(),
                    after: after.as_deref(),
                    at_ms: row.try_get("created_at")?,
                    detail: None,
                };
                let next = Head {
                    seq: content.seq,
                    hash: hash(&head.hash, &content),
                };
                sqlx::query(
                    "UPDATE audit_log SET seq = $1, actor_ref = $2, prev_hash = $3, \
                     entry_hash = $4 WHERE id = $5 AND workspace_id = $6",
                )
                .bind(next.seq)
                .bind(content.actor)
                .bind(&head.hash)
                .bind(&next.hash)
                .bind(&id)
                .bind(workspace.as_str())
                .execute(&mut *tx)
                .await?;
                head = next;
            }
            advance(&mut tx, &workspace, &head).await?;
            adopted += rows.len() as u64;
        }
        tx.commit().await?;
    }
    Ok(adopted)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn content<'a>(target: &'a str, before: Option<&'a str>) -> Content<'a> {
        Content {
            workspace: "w",
            seq: 1,
            id: "e",
            actor: Some("u"),
            action: "role.update",
            target,
            before,
            after: None,
            at_ms: 1,
            detail: None,
        }
    }

    /// The encoding chains were written with: the JSON array `json!` makes.
    #[test]
    fn the_hash_covers_the_compact_json_array_of_the_content() {
        let c = content("t\n\"x\"\u{1b}", Some("{\"a\":1}"));
        let array = serde_json::json!([
            c.workspace,
            c.seq,
            c.id,
            c.actor,
            c.action,
            c.target,
            c.before,
            c.after,
            c.at_ms
        ]);
        let expected =
            crate::server::platform::digest::sha256_hex(format!("{GENESIS}\n{array}").as_bytes());
        assert_eq!(hash(GENESIS, &c), expected);
    }

    #[test]
    fn every_field_and_the_previous_hash_change_the_hash() {
        let base = hash(GENESIS, &content("t", None));
        assert_eq!(base.len(), 64);
        assert_eq!(base, hash(GENESIS, &content("t", None)), "deterministic");
        assert_ne!(base, hash(&base, &content("t", None)), "the previous entry");
        assert_ne!(base, hash(GENESIS, &content("u", None)), "a field");
        // Fields cannot run into each other: moving text across a boundary changes the hash.
        assert_ne!(
            hash(GENESIS, &content("ab", Some("c"))),
            hash(GENESIS, &content("a", Some("bc")))
        );
        assert_ne!(
            hash(GENESIS, &content("t", None)),
            hash(GENESIS, &content("t", Some("null")))
        );
    }

    fn detailed<'a>(outcome: &'a str, ip: Option<&'a str>, count: Option<i64>) -> Content<'a> {
        Content {
            detail: Some(Detail {
                actor_kind: Some("person"),
                outcome,
                reason: None,
                ip,
                user_agent: Some("Firefox"),
                count,
            }),
            ..content("t", None)
        }
    }

    /// An entry with detail hashes its content and its detail as two arrays in one.
    #[test]
    fn detail_is_hashed_as_a_second_array() {
        let c = detailed("refused", Some("192.0.2.1"), Some(3));
        let array = serde_json::json!([
            [
                c.workspace,
                c.seq,
                c.id,
                c.actor,
                c.action,
                c.target,
                c.before,
                c.after,
                c.at_ms
            ],
            ["person", "refused", null, "192.0.2.1", "Firefox", 3]
        ]);
        let expected =
            crate::server::platform::digest::sha256_hex(format!("{GENESIS}\n{array}").as_bytes());
        assert_eq!(hash(GENESIS, &c), expected);
        let base = hash(GENESIS, &c);
        assert_ne!(
            base,
            hash(GENESIS, &content("t", None)),
            "with or without detail"
        );
        assert_ne!(
            base,
            hash(GENESIS, &detailed("done", Some("192.0.2.1"), Some(3)))
        );
        assert_ne!(base, hash(GENESIS, &detailed("refused", None, Some(3))));
        assert_ne!(
            base,
            hash(GENESIS, &detailed("refused", Some("192.0.2.1"), Some(4)))
        );
    }
}
