//! Reminders for open campaigns: from two days before its due day, and every day once it is
//! overdue, a campaign with assignments still undecided is mailed to its reviewers (those named
//! when it started who still hold `team.write`, else every active holder of it), at most once a
//! day. The day is claimed before the mail
//! goes, so several server processes send one reminder, and released if none could be sent.

use chrono::Days;
use lettre::message::Mailbox;
use sqlx::Row;

use crate::model::{utc_date, WorkspaceId};
use crate::permissions::Permission;
use crate::server::audit::chain;
use crate::server::platform::clock::Clock;
use crate::server::platform::days;
use crate::server::platform::db::Db;
use crate::server::platform::error::DomainError;
use crate::server::platform::mail::Mailer;
use crate::server::workspace::{login_hours, recipients};

use super::reviewers;

/// Reminders start this many days before the due day.
const DAYS_AHEAD: u64 = 2;

struct Due {
    id: String,
    number: i64,
    name: String,
    due_on: String,
    open: i64,
    reminded_on: Option<String>,
}

/// Mails the reminders due now in every workspace; returns how many campaigns were reminded.
pub async fn send_due(
    db: &Db,
    clock: &Clock,
    mailer: &Mailer,
    public_url: &str,
) -> Result<u32, DomainError> {
    let mut sent = 0;
    for workspace in chain::workspaces(db).await? {
        let claimed = claim(db, clock, &workspace).await?;
        if claimed.is_empty() {
            continue;
        }
        let holders = recipients::holders(db, clock, &workspace, Permission::TeamWrite).await?;
        for review in claimed {
            let mut tx = db.begin_in(&workspace, false).await?;
            let named = reviewers::named(&mut tx, &workspace, &review.id).await?;
            tx.commit().await?;
            let to: Vec<Mailbox> = holders
                .iter()
                .filter(|h| named.is_empty() || named.iter().any(|(id, _)| *id == h.user))
                .filter_map(recipients::mailbox)
                .collect();
            let subject = format!(
                "Access review #{} is due on {}",
                review.number, review.due_on
            );
            let text = format!(
                "The access review \"{}\" is due on {}: {} assignment(s) still need a \
                 decision.\n\nReview them:\n{public_url}/team/reviews/{}\n",
                review.name, review.due_on, review.open, review.id
            );
            let delivered = mailer.send_each(&to, &subject, &text).await;
            if delivered {
                sent += 1;
            } else {
                release(db, &workspace, &review).await?;
            }
        }
    }
    Ok(sent)
}

/// Takes today's reminder for each campaign of `workspace` that needs one.
async fn claim(db: &Db, clock: &Clock, workspace: &WorkspaceId) -> Result<Vec<Due>, DomainError> {
    let tz = login_hours::time_zone(db, workspace).await?;
    let now = clock.now_ms();
    let horizon = (days::on(tz, now) + Days::new(DAYS_AHEAD))
        .format("%Y-%m-%d")
        .to_string();
    let sent_on = utc_date(now);
    let mut tx = db.begin_in(workspace, true).await?;
    let rows = sqlx::query(
        "SELECT r.id, r.number, r.name, r.due_on, r.reminded_on, \
         (SELECT COUNT(*) FROM access_review_items i WHERE i.review_id = r.id \
            AND i.decision IS NULL) AS open \
         FROM access_reviews r WHERE r.workspace_id = $1 AND r.status = 'open' \
           AND r.due_on <= $2 AND (r.reminded_on IS NULL OR r.reminded_on <> $3) \
         ORDER BY r.number",
    )
    .bind(workspace.as_str())
    .bind(&horizon)
    .bind(&sent_on)
    .fetch_all(&mut *tx)
    .await?;
    let mut claimed = Vec::new();
    for row in rows {
        let due = Due {
            id: row.try_get("id")?,
            number: row.try_get("number")?,
            name: row.try_get("name")?,
            due_on: row.try_get("due_on")?,
            open: row.try_get("open")?,
            reminded_on: row.try_get("reminded_on")?,
        };
        if due.open == 0 {
            continue;
        }
        let taken = sqlx::query(
            "UPDATE access_reviews SET reminded_on = $1 WHERE id = $2 AND status = 'open' \
             AND (reminded_on IS NULL OR reminded_on <> $1)",
        )
        .bind(&sent_on)
        .bind(&due.id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if taken == 1 {
            claimed.push(due);
        }
    }
    tx.commit().await?;
    Ok(claimed)
}

async fn release(db: &Db, workspace: &WorkspaceId, review: &Due) -> Result<(), DomainError> {
    let mut tx = db.begin_in(workspace, true).await?;
    sqlx::query("UPDATE access_reviews SET reminded_on = $1 WHERE id = $2")
        .bind(&review.reminded_on)
        .bind(&review.id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}
