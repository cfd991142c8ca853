//! The incidents register: an incident is reported with its severity and when it was detected,
//! then contained and resolved (each time kept), with a timeline of notes. Read with
//! `audit.read`; reported and moved on with `settings.write`. Every step is in the trail, in
//! its transaction. Incidents are never deleted: the register is evidence.

use chrono::NaiveDateTime;
use sqlx::Row;

use crate::model::{IncidentItem, IncidentNote, INCIDENT_SEVERITIES};
use crate::permissions::keys;
use crate::server::access::audit::{self, Change};
use crate::server::access::grants::Grant;
use crate::server::platform::clock::Clock;
use crate::server::platform::db::Db;
use crate::server::platform::error::DomainError;
use crate::server::platform::text::{BlockField, LineField};

/// The newest incidents the register lists.
const SHOWN: i64 = 100;

const TITLE: LineField = LineField {
    field: "title",
    subject: "The title",
    empty_message: "Say in a few words what happened.",
    max_chars: 200,
};
const NOTE: BlockField = BlockField {
    field: "note",
    empty_message: "Write the note.",
    max_chars: 5000,
};

/// A report as typed in the form.
#[derive(Debug, Clone, Default)]
pub struct IncidentForm {
    pub title: String,
    pub severity: String,
    /// `YYYY-MM-DD HH:MM` (or the browser's `YYYY-MM-DDTHH:MM`) in UTC; empty: now.
    pub detected_at: String,
    /// What is known so far: the timeline's first note, if given.
    pub note: String,
}

/// A report, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    pub title: String,
    pub severity: &'static str,
    pub detected_at_ms: i64,
    pub note: Option<String>,
}

impl IncidentForm {
    /// Checks each field in the form's order; the first bad one is named.
    pub fn parse(&self, now_ms: i64) -> Result<Report, DomainError> {
        let title = TITLE.clean(&self.title)?;
        let severity = INCIDENT_SEVERITIES
            .iter()
            .map(|(key, _)| *key)
            .find(|key| *key == self.severity.trim())
            .ok_or_else(|| {
                DomainError::invalid("severity", "Choose low, medium, high or critical.")
            })?;
        let detected_at_ms = match self.detected_at.trim() {
            "" => now_ms,
            raw => detected_time(raw, now_ms)?,
        };
        let note = match self.note.trim() {
            "" => None,
            raw => Some(NOTE.clean(raw)?),
        };
        Ok(Report {
            title,
            severity,
            detected_at_ms,
            note,
        })
    }
}

fn detected_time(raw: &str, now_ms: i64) -> Result<i64, DomainError> {
    let parsed = NaiveDateTime::parse_from_str(raw, "%Y-%m-%d %H:%M")
        .or_else(|_| NaiveDateTime::parse_from_str(raw, "%Y-%m-%dT%H:%M"))
        .map_err(|_| {
            DomainError::invalid(
                "detected_at",
                "Enter the date and time as 2026-12-06 14:30 (UTC).",
            )
        })?;
    let ms = parsed.and_utc().timestamp_millis();
    if ms > now_ms {
        return Err(DomainError::invalid(
            "detected_at",
            "An incident cannot be detected in the future.",
        ));
    }
    Ok(ms)
}

/// Where an incident goes next.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Step {
    Contain,
    Resolve,
}

impl Step {
    pub fn parse(raw: &str) -> Result<Self, DomainError> {
        match raw {
            "contain" => Ok(Self::Contain),
            "resolve" => Ok(Self::Resolve),
            _ => Err(DomainError::invalid("step", "Choose contain or resolve.")),
        }
    }

    fn status(self) -> &'static str {
        match self {
            Self::Contain => "contained",
            Self::Resolve => "resolved",
        }
    }
}

/// The grant's workspace's newest incidents, each with its timeline. Needs `audit.read`.
pub async fn list(
    db: &Db,
    grant: &Grant<keys::AuditRead>,
) -> Result<Vec<IncidentItem>, DomainError> {
    let mut tx = grant.begin(db, false).await?;
    let rows = sqlx::query(
        "SELECT i.id, i.number, i.title, i.severity, i.status, i.detected_at_ms, \
         i.contained_at_ms, i.resolved_at_ms, i.version, u.display_name FROM incidents i \
         LEFT JOIN users u ON u.id = i.reported_by WHERE i.workspace_id = $1 \
         ORDER BY i.number DESC LIMIT $2",
    )
    .bind(grant.workspace().as_str())
    .bind(SHOWN)
    .fetch_all(&mut *tx)
    .await?;
    let mut items = rows
        .iter()
        .map(|r| {
            Ok(IncidentItem {
                id: r.try_get("id")?,
                number: r.try_get("number")?,
                title: r.try_get("title")?,
                severity: r.try_get("severity")?,
                status: r.try_get("status")?,
                detected_at_ms: r.try_get("detected_at_ms")?,
                contained_at_ms: r.try_get("contained_at_ms")?,
                resolved_at_ms: r.try_get("resolved_at_ms")?,
                reported_by: r.try_get("display_name")?,
                version: r.try_get("version")?,
                notes: Vec::new(),
            })
        })
        .collect::<Result<Vec<_>, sqlx::Error>>()?;
    let oldest = items.last().map_or(i64::MAX, |i| i.number);
    let notes = sqlx::query(
        "SELECT n.incident_id, n.body, n.at_ms, u.display_name FROM incident_notes n \
         JOIN incidents i ON i.id = n.incident_id LEFT JOIN users u ON u.id = n.author_id \
         WHERE n.workspace_id = $1 AND i.number >= $2 ORDER BY n.at_ms, n.id",
    )
    .bind(grant.workspace().as_str())
    .bind(oldest)
    .fetch_all(&mut *tx)
    .await?;
    tx.commit().await?;
    for n in &notes {
        let incident: String = n.try_get("incident_id")?;
        if let Some(item) = items.iter_mut().find(|i| i.id == incident) {
            item.notes.push(IncidentNote {
                at_ms: n.try_get("at_ms")?,
                author: n.try_get("display_name")?,
                body: n.try_get("body")?,
            });
        }
    }
    Ok(items)
}

/// Reports an incident in the grant's workspace; returns its number. Needs `settings.write`.
pub async fn report(
    db: &Db,
    clock: &Clock,
    grant: &Grant<keys::SettingsWrite>,
    form: &IncidentForm,
) -> Result<i64, DomainError> {
    let now = clock.now_ms();
    let report = form.parse(now)?;
    let mut tx = grant.begin(db, true).await?;
    let number: i64 = sqlx::query(
        "SELECT COALESCE(MAX(number), 0) + 1 AS n FROM incidents WHERE workspace_id = $1",
    )
    .bind(grant.workspace().as_str())
    .fetch_one(&mut *tx)
    .await?
    .try_get("n")?;
    let id = uuid::Uuid::now_v7().to_string();
    sqlx::query(
        "INSERT INTO incidents (id, workspace_id, number, title, severity, status, \
         detected_at_ms, reported_by, created_at, version) \
         VALUES ($1, $2, $3, $4, $5, 'open', $6, $7, $8, 1)",
    )
    .bind(&id)
    .bind(grant.workspace().as_str())
    .bind(number)
    .bind(&report.title)
    .bind(report.severity)
    .bind(report.detected_at_ms)
    .bind(grant.user().as_str())
    .bind(now)
    .execute(&mut *tx)
    .await
    .map_err(|e| {
        DomainError::on_unique(e, || {
            DomainError::Conflict(
                "Another incident was reported at the same moment; try again.".into(),
            )
        })
    })?;
    if let Some(note) = &report.note {
        insert_note(&mut tx, grant, &id, note, now).await?;
    }
    let change = Change {
        action: "incident.report",
        target: &id,
        before: None,
        after: Some(serde_json::json!({
            "number": number,
            "title": report.title,
            "severity": report.severity,
            "detected_at_ms": report.detected_at_ms,
            "note": report.note,
        })),
    };
    audit::record(&mut tx, clock, grant.acting(), change).await?;
    tx.commit().await?;
    Ok(number)
}

async fn insert_note(
    conn: &mut sqlx::AnyConnection,
    grant: &Grant<keys::SettingsWrite>,
    incident: &str,
    body: &str,
    at_ms: i64,
) -> Result<(), DomainError> {
    sqlx::query(
        "INSERT INTO incident_notes (id, workspace_id, incident_id, body, author_id, at_ms) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(uuid::Uuid::now_v7().to_string())
    .bind(grant.workspace().as_str())
    .bind(incident)
    .bind(body)
    .bind(grant.user().as_str())
    .bind(at_ms)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// The incident's status and number in the grant's workspace.
async fn current(
    conn: &mut sqlx::AnyConnection,
    grant: &Grant<keys::SettingsWrite>,
    id: &str,
) -> Result<(String, i64), DomainError> {
    let row =
        sqlx::query("SELECT status, number FROM incidents WHERE id = $1 AND workspace_id = $2")
            .bind(id)
            .bind(grant.workspace().as_str())
            .fetch_optional(&mut *conn)
            .await?
            .ok_or(DomainError::NotFound)?;
    Ok((row.try_get("status")?, row.try_get("number")?))
}

fn stale() -> DomainError {
    DomainError::Conflict(
        "This incident was changed by someone else since you opened it; reload to see it as it \
         is now."
            .into(),
    )
}

/// Moves the incident on: open → contained → resolved (resolving an open one contains it at
/// the same time). `version` is the one the caller saw; a stale one is refused.
pub async fn advance(
    db: &Db,
    clock: &Clock,
    grant: &Grant<keys::SettingsWrite>,
    id: &str,
    version: i64,
    step: Step,
) -> Result<(), DomainError> {
    let now = clock.now_ms();
    let mut tx = grant.begin(db, true).await?;
    let (status, number) = current(&mut tx, grant, id).await?;
    let allowed = matches!(
        (status.as_str(), step),
        ("open", _) | ("contained", Step::Resolve)
    );
    if !allowed {
        return Err(DomainError::Conflict(format!(
            "This incident is already {status}."
        )));
    }
    let sql = match step {
        Step::Contain => {
            "UPDATE incidents SET status = 'contained', contained_at_ms = $1, \
             version = version + 1 WHERE id = $2 AND workspace_id = $3 AND version = $4"
        }
        Step::Resolve => {
            "UPDATE incidents SET status = 'resolved', resolved_at_ms = $1, \
             contained_at_ms = COALESCE(contained_at_ms, $1), version = version + 1 \
             WHERE id = $2 AND workspace_id = $3 AND version = $4"
        }
    };
    let updated = sqlx::query(sql)
        .bind(now)
        .bind(id)
        .bind(grant.workspace().as_str())
        .bind(version)
        .execute(&mut *tx)
        .await?
        .rows_affected();
    // Only the version the caller saw is updated: another one means someone changed it since.
    if updated != 1 {
        return Err(stale());
    }
    let change = Change {
        action: match step {
            Step::Contain => "incident.contain",
            Step::Resolve => "incident.resolve",
        },
        target: id,
        before: Some(serde_json::json!({ "number": number, "status": status })),
        after: Some(serde_json::json!({ "number": number, "status": step.status() })),
    };
    audit::record(&mut tx, clock, grant.acting(), change).await?;
    tx.commit().await?;
    Ok(())
}

/// Adds a note to the incident's timeline (resolved ones too: lessons come after).
pub async fn add_note(
    db: &Db,
    clock: &Clock,
    grant: &Grant<keys::SettingsWrite>,
    id: &str,
    raw: &str,
) -> Result<(), DomainError> {
    let body = NOTE.clean(raw)?;
    let now = clock.now_ms();
    let mut tx = grant.begin(db, true).await?;
    let (_, number) = current(&mut tx, grant, id).await?;
    insert_note(&mut tx, grant, id, &body, now).await?;
    let change = Change {
        action: "incident.note",
        target: id,
        before: None,
        after: Some(serde_json::json!({ "number": number, "note": body })),
    };
    audit::record(&mut tx, clock, grant.acting(), change).await?;
    tx.commit().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 2026-12-06 20:37:12 UTC.
    const NOW: i64 = 1_796_589_432_000;

    fn form(title: &str, severity: &str, detected_at: &str, note: &str) -> IncidentForm {
        IncidentForm {
            title: title.into(),
            severity: severity.into(),
            detected_at: detected_at.into(),
            note: note.into(),
        }
    }

    #[test]
    fn a_report_is_checked_field_by_field() {
        let ok = form(
            "  Laptop   stolen ",
            "high",
            "2026-12-06T09:15",
            "Left on a train.\r\nReported.",
        )
        .parse(NOW)
        .unwrap();
        assert_eq!(ok.title, "Laptop stolen");
        assert_eq!(ok.severity, "high");
        assert_eq!(ok.detected_at_ms, 1_796_548_500_000);
        assert_eq!(ok.note.as_deref(), Some("Left on a train.\nReported."));
        let now = form("Phishing", "low", "", "").parse(NOW).unwrap();
        assert_eq!((now.detected_at_ms, now.note), (NOW, None));
        assert_eq!(
            form("x", "low", "2026-12-06 20:37", "")
                .parse(NOW)
                .unwrap()
                .detected_at_ms,
            NOW - 12_000
        );
        for (bad, field) in [
            (form("", "low", "", ""), "title"),
            (form("a\u{1b}[2J", "low", "", ""), "title"),
            (form("Leak", "severe", "", ""), "severity"),
            (form("Leak", "low", "yesterday", ""), "detected_at"),
            (form("Leak", "low", "2026-12-06 20:38", ""), "detected_at"),
            (form("Leak", "low", "", &"x".repeat(5001)), "note"),
            (form("Leak", "low", "", "bell\u{7}"), "note"),
        ] {
            match bad.parse(NOW) {
                Err(DomainError::Invalid { field: f, .. }) => assert_eq!(f, field, "{bad:?}"),
                other => panic!("{bad:?}: {other:?}"),
            }
        }
    }
}
