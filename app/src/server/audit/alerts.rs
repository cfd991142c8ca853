//! Alerts to a workspace's administrators: raised where the thing happens, in its transaction,
//! deduplicated per kind, subject and hour (repeats are counted), listed for `audit.read`, and
//! mailed once by [`super::alert_mail`].

use sqlx::Row;

use crate::model::{AlertItem, AlertNotice, UnreadAlerts, WorkspaceId};
use crate::permissions::keys;
use crate::server::access::grants::Grant;
use crate::server::integrations::webhooks::outbox::{self, Message};
use crate::server::platform::db::{set_workspace, Db};
use crate::server::platform::error::DomainError;

const HOUR_MS: i64 = 3_600_000;
/// How far back failed sign-in steps count towards a burst (the thresholds are the
/// workspace's: [`super::alert_thresholds`]).
pub const BURST_WINDOW_MS: i64 = 15 * 60 * 1000;
/// The newest alerts a page lists.
const SHOWN: i64 = 100;
/// The unread alerts the navigation's menu shows; the page has the rest.
const MENU: i64 = 5;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AlertKind {
    FailedSignInsOnAccount,
    FailedSignInsFromAddress,
    SensitiveRole,
    /// An administrator signed in from an address or on a device not seen for them before.
    AdminNewOrigin,
    /// One person refused a sensitive key again and again within a minute.
    SensitiveRefusals,
    /// A webhook endpoint failed for days and was disabled.
    WebhookDisabled,
}

impl AlertKind {
    pub const ALL: [Self; 6] = [
        Self::FailedSignInsOnAccount,
        Self::FailedSignInsFromAddress,
        Self::SensitiveRole,
        Self::AdminNewOrigin,
        Self::SensitiveRefusals,
        Self::WebhookDisabled,
    ];

    pub fn key(self) -> &'static str {
        match self {
            Self::FailedSignInsOnAccount => "sign_in.burst_account",
            Self::FailedSignInsFromAddress => "sign_in.burst_address",
            Self::SensitiveRole => "role.sensitive",
            Self::AdminNewOrigin => "sign_in.admin_new_origin",
            Self::SensitiveRefusals => "refusals.sensitive",
            Self::WebhookDisabled => "webhook.disabled",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::FailedSignInsOnAccount => "Failed sign-ins on one account",
            Self::FailedSignInsFromAddress => "Failed sign-ins from one address",
            Self::SensitiveRole => "A role grants sensitive keys",
            Self::AdminNewOrigin => "An administrator signed in from somewhere new",
            Self::SensitiveRefusals => "Repeated refusals of a sensitive key",
            Self::WebhookDisabled => "A webhook endpoint was disabled",
        }
    }

    fn from_key(key: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.key() == key)
    }
}

/// What an alert is about: `subject` deduplicates (an account id, an address, a role id);
/// `summary` is what the administrators read.
pub struct Alert<'a> {
    pub kind: AlertKind,
    pub subject: &'a str,
    pub summary: String,
}

/// Raises `alert` in `workspace` at `at_ms`, inside the caller's transaction: a new alert for
/// its hour, or one more of the same.
pub async fn raise(
    conn: &mut sqlx::AnyConnection,
    workspace: &WorkspaceId,
    alert: Alert<'_>,
    at_ms: i64,
) -> Result<(), DomainError> {
    set_workspace(conn, workspace).await?;
    let count: i64 = sqlx::query(
        "INSERT INTO alerts (id, workspace_id, kind, subject, hour, summary, first_at_ms, \
         last_at_ms, count) VALUES ($1, $2, $3, $4, $5, $6, $7, $7, 1) \
         ON CONFLICT (workspace_id, kind, subject, hour) DO UPDATE SET \
         count = alerts.count + 1, last_at_ms = excluded.last_at_ms, summary = excluded.summary \
         RETURNING count",
    )
    .bind(uuid::Uuid::now_v7().to_string())
    .bind(workspace.as_str())
    .bind(alert.kind.key())
    .bind(alert.subject)
    .bind(at_ms.div_euclid(HOUR_MS))
    .bind(&alert.summary)
    .bind(at_ms)
    .fetch_one(&mut *conn)
    .await?
    .try_get("count")?;
    // Webhooks hear an alert once, as the administrators' menu shows it: its first of the hour.
    if count == 1 {
        let event_type = format!("alert.{}", alert.kind.key());
        let message = Message {
            event_type: &event_type,
            data: serde_json::json!({
                "kind": alert.kind.key(),
                "subject": alert.subject,
                "summary": alert.summary,
            }),
            at_ms,
        };
        outbox::enqueue(conn, workspace, message).await?;
    }
    Ok(())
}

/// The workspace's newest alerts. Needs `audit.read`.
pub async fn list(db: &Db, grant: &Grant<keys::AuditRead>) -> Result<Vec<AlertItem>, DomainError> {
    let mut tx = grant.begin(db, false).await?;
    let rows = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM alerts WHERE workspace_id = $1 ORDER BY id DESC LIMIT $2"
    ))
    .bind(grant.workspace().as_str())
    .bind(SHOWN)
    .fetch_all(&mut *tx)
    .await?;
    tx.commit().await?;
    rows.iter().map(item).collect()
}

const COLUMNS: &str = "id, kind, summary, count, first_at_ms, last_at_ms, mailed_at_ms";

fn item(r: &sqlx::any::AnyRow) -> Result<AlertItem, DomainError> {
    let kind: String = r.try_get("kind")?;
    Ok(AlertItem {
        id: r.try_get("id")?,
        label: AlertKind::from_key(&kind)
            .map_or("Alert", AlertKind::label)
            .to_owned(),
        kind,
        summary: r.try_get("summary")?,
        count: r.try_get("count")?,
        first_at_ms: r.try_get("first_at_ms")?,
        last_at_ms: r.try_get("last_at_ms")?,
        mailed: r.try_get::<Option<i64>, _>("mailed_at_ms")?.is_some(),
    })
}

/// The alerts raised or repeated since the grant's holder last marked them seen (opening the
/// alerts page, or "Mark all as read"): how many, and the newest [`MENU`] of them, latest
/// first. Needs `audit.read`.
pub async fn unread(db: &Db, grant: &Grant<keys::AuditRead>) -> Result<UnreadAlerts, DomainError> {
    let mut tx = grant.begin(db, false).await?;
    // One statement: the window counts every unseen alert before LIMIT keeps the newest few,
    // so the menu costs each page a single read. No row means nothing is unread.
    let latest = sqlx::query(&format!(
        "SELECT {COLUMNS}, COUNT(*) OVER () AS unread FROM alerts \
         WHERE workspace_id = $1 AND last_at_ms > COALESCE((SELECT r.seen_at_ms \
         FROM alert_reads r WHERE r.workspace_id = $1 AND r.user_id = $2), 0) \
         ORDER BY last_at_ms DESC, id DESC LIMIT $3"
    ))
    .bind(grant.workspace().as_str())
    .bind(grant.user().as_str())
    .bind(MENU)
    .fetch_all(&mut *tx)
    .await?;
    tx.commit().await?;
    let count = match latest.first() {
        Some(r) => r.try_get::<i64, _>("unread")?,
        None => 0,
    };
    Ok(UnreadAlerts {
        count,
        latest: latest
            .iter()
            .map(|r| item(r).map(AlertNotice::from))
            .collect::<Result<_, _>>()?,
    })
}

/// Notes that the grant's holder has seen the workspace's alerts as of `now_ms`.
pub async fn mark_seen(
    db: &Db,
    grant: &Grant<keys::AuditRead>,
    now_ms: i64,
) -> Result<(), DomainError> {
    let mut tx = grant.begin(db, true).await?;
    sqlx::query(
        "INSERT INTO alert_reads (workspace_id, user_id, seen_at_ms) VALUES ($1, $2, $3) \
         ON CONFLICT (workspace_id, user_id) DO UPDATE SET \
         seen_at_ms = CASE WHEN excluded.seen_at_ms > alert_reads.seen_at_ms \
         THEN excluded.seen_at_ms ELSE alert_reads.seen_at_ms END",
    )
    .bind(grant.workspace().as_str())
    .bind(grant.user().as_str())
    .bind(now_ms)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}
