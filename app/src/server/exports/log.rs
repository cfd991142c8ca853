//! Every export is recorded: who took which list, with which filters and columns, from where,
//! and how many rows left. The row is written when the export starts — an export broken off
//! half-way is still on record — and the count when it ends.

use crate::model::{ExportId, WorkspaceId};
use crate::permissions::Key;
use crate::server::access::audit::{self, Change};
use crate::server::access::grants::Export;
use crate::server::platform::clock::Clock;
use crate::server::platform::db::Db;
use crate::server::platform::error::DomainError;

/// What was asked for, as recorded.
pub struct Asked<'a> {
    /// The list: `customers`.
    pub list: &'a str,
    /// The filters as the address carried them.
    pub filters: &'a str,
    pub columns: &'a [&'a str],
    pub ip: Option<&'a str>,
    /// A background export's row count when it starts; `None`: streamed.
    pub total: Option<u64>,
}

/// An export on record; [`Recorded::finish`] adds the row count.
#[derive(Clone, Debug)]
pub struct Recorded {
    id: ExportId,
    workspace: WorkspaceId,
}

pub async fn start<K: Key>(
    db: &Db,
    clock: &Clock,
    export: &Export<'_, K>,
    asked: &Asked<'_>,
) -> Result<Recorded, DomainError> {
    let grant = export.grant();
    let id = ExportId::fresh();
    let mut tx = grant.begin(db, true).await?;
    sqlx::query(
        "INSERT INTO data_exports (id, workspace_id, user_id, list, filters, columns, ip, \
         started_at, status, total_rows, heartbeat_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $8)",
    )
    .bind(id.as_str())
    .bind(grant.workspace().as_str())
    .bind(grant.user().as_str())
    .bind(asked.list)
    .bind(asked.filters)
    .bind(asked.columns.join(","))
    .bind(asked.ip)
    .bind(clock.now_ms())
    .bind(match asked.total {
        Some(_) => "running",
        None => "streamed",
    })
    .bind(asked.total.map(|n| i64::try_from(n).unwrap_or(i64::MAX)))
    .execute(&mut *tx)
    .await?;
    let change = Change {
        action: "export.started",
        target: id.as_str(),
        before: None,
        after: Some(serde_json::json!({
            "list": asked.list,
            "filters": asked.filters,
            "columns": asked.columns,
        })),
    };
    audit::record(&mut tx, clock, grant.acting(), change).await?;
    tx.commit().await?;
    Ok(Recorded {
        id,
        workspace: grant.workspace().clone(),
    })
}

impl Recorded {
    pub fn id(&self) -> &ExportId {
        &self.id
    }

    pub fn workspace(&self) -> &WorkspaceId {
        &self.workspace
    }

    pub async fn finish(&self, db: &Db, clock: &Clock, rows: u64) -> Result<(), DomainError> {
        let mut tx = db.begin_in(&self.workspace, true).await?;
        sqlx::query(
            "UPDATE data_exports SET row_count = $1, finished_at = $2 \
             WHERE id = $3 AND workspace_id = $4",
        )
        .bind(i64::try_from(rows).unwrap_or(i64::MAX))
        .bind(clock.now_ms())
        .bind(self.id.as_str())
        .bind(self.workspace.as_str())
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }
}
