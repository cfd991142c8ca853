//! Signed checkpoints of each workspace's chain head. Whoever can write to the database can
//! recompute every hash after an edit; they cannot sign the new head without the server's key,
//! which is kept outside the database. A checkpoint that no longer matches its entry, or whose
//! signature does not hold, breaks the verification.

use sqlx::Row;

use super::signing::{checkpoint_message, AuditKey};
use super::walk::Checkpoint;
use crate::model::WorkspaceId;
use crate::server::platform::clock::Clock;
use crate::server::platform::db::Db;
use crate::server::platform::error::DomainError;

/// Signs the head of every workspace whose chain has grown since its last checkpoint; returns
/// how many were signed. Two processes signing the same head at once store one checkpoint.
pub async fn sign_heads(db: &Db, clock: &Clock, key: &AuditKey) -> Result<u64, DomainError> {
    let key_id = key.public().id();
    let mut signed = 0;
    for workspace in super::chain::workspaces(db).await? {
        let ws = workspace.as_str();
        let mut tx = db.begin_in(&workspace, true).await?;
        let head = sqlx::query(
            "SELECT h.seq, h.entry_hash FROM audit_heads h WHERE h.workspace_id = $1 \
             AND h.seq > COALESCE((SELECT MAX(c.seq) FROM audit_checkpoints c \
             WHERE c.workspace_id = $1), 0)",
        )
        .bind(ws)
        .fetch_optional(&mut *tx)
        .await?;
        if let Some(head) = head {
            let (seq, hash): (i64, String) = (head.try_get("seq")?, head.try_get("entry_hash")?);
            let at = clock.now_ms();
            let signature = key.sign(&checkpoint_message(ws, seq, &hash, at));
            let stored = sqlx::query(
                "INSERT INTO audit_checkpoints \
                 (workspace_id, seq, entry_hash, signed_at, key_id, signature) \
                 VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (workspace_id, seq) DO NOTHING",
            )
            .bind(ws)
            .bind(seq)
            .bind(&hash)
            .bind(at)
            .bind(&key_id)
            .bind(&signature)
            .execute(&mut *tx)
            .await?;
            signed += stored.rows_affected();
        }
        tx.commit().await?;
    }
    Ok(signed)
}

/// The workspace's checkpoints, oldest first, read in the transaction `conn` belongs to.
pub async fn of_workspace(
    conn: &mut sqlx::AnyConnection,
    workspace: &WorkspaceId,
) -> Result<Vec<Checkpoint>, DomainError> {
    let rows = sqlx::query(
        "SELECT seq, entry_hash, signed_at, key_id, signature FROM audit_checkpoints \
         WHERE workspace_id = $1 ORDER BY seq",
    )
    .bind(workspace.as_str())
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(Checkpoint {
                seq: r.try_get("seq")?,
                entry_hash: r.try_get("entry_hash")?,
                signed_at: r.try_get("signed_at")?,
                key_id: r.try_get("key_id")?,
                signature: r.try_get("signature")?,
            })
        })
        .collect()
}
