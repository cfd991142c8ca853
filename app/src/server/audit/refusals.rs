//! Refusals into the trail: each minute's tally of one person's refusals of one kind becomes
//! one entry with its count (outcome `refused`), once the minute is over.

use super::alert_thresholds;
use super::alerts::{self, Alert, AlertKind};
use crate::permissions::Permission;
use crate::server::access::refusals::{Refusals, Slot, Tally};
use crate::server::audit::append::{append, Actor, Event, Outcome};
use crate::server::platform::db::Db;
use crate::server::platform::error::DomainError;

/// A tally that still cannot be written after this long is given up (and logged), so one
/// that can never be written — its workspace deleted — does not come back for ever.
const GIVE_UP_AFTER_MS: i64 = 60 * 60 * 1000;

/// Appends the tallies of the minutes over by `now_ms` (all of them with `None`, at shutdown);
/// returns how many entries were written. Tallies not written are kept for the next call.
pub async fn flush(
    db: &Db,
    refusals: &Refusals,
    now_ms: Option<i64>,
) -> Result<usize, DomainError> {
    let mut taken = refusals.take(now_ms).into_iter();
    let mut written = 0;
    while let Some((slot, tally)) = taken.next() {
        if let Err(e) = write(db, &slot, &tally).await {
            let stale = now_ms.is_some_and(|now| now - tally.first_ms > GIVE_UP_AFTER_MS);
            if stale {
                tracing::error!(error = %e, workspace = %slot.workspace, user = %slot.user,
                    count = tally.count, "refusals given up: they could not be recorded");
            }
            let rest = (!stale).then_some((slot, tally)).into_iter().chain(taken);
            refusals.restore(rest.collect());
            return Err(e);
        }
        written += 1;
    }
    Ok(written)
}

async fn write(db: &Db, slot: &Slot, tally: &Tally) -> Result<(), DomainError> {
    let mut tx = db.begin_in(&slot.workspace, true).await?;
    let event = Event {
        actor: match &slot.key {
            Some(key) => Actor::ApiKey(key),
            None => Actor::Person(&slot.user),
        },
        action: slot.refused.action(),
        target: slot.refused.key(),
        outcome: Outcome::Refused,
        reason: Some(slot.refused.reason()),
        before: None,
        after: Some(
            serde_json::json!({ "first_at_ms": tally.first_ms, "last_at_ms": tally.last_ms })
                .to_string(),
        ),
        origin: Some(&tally.origin),
        count: tally.count,
        at_ms: tally.last_ms,
    };
    append(&mut tx, &slot.workspace, event).await?;
    alert_if_repeated(&mut tx, slot, tally).await?;
    tx.commit().await?;
    Ok(())
}

/// Alerts the administrators when one person was refused a sensitive key as often as the
/// workspace's threshold within the minute: probing for what they may do, or someone using
/// their session to try.
async fn alert_if_repeated(
    conn: &mut sqlx::AnyConnection,
    slot: &Slot,
    tally: &Tally,
) -> Result<(), DomainError> {
    let sensitive = Permission::from_key(slot.refused.key()).is_some_and(Permission::is_sensitive);
    if !sensitive
        || tally.count
            < alert_thresholds::of(conn, &slot.workspace)
                .await?
                .refusal_burst
    {
        return Ok(());
    }
    let email = super::sign_in_alerts::email(conn, &slot.user).await?;
    let subject = format!("{}:{}", slot.user.as_str(), slot.refused.key());
    let alert = Alert {
        kind: AlertKind::SensitiveRefusals,
        subject: &subject,
        summary: format!(
            "{email} was refused {} {} times within a minute ({})",
            slot.refused.key(),
            tally.count,
            slot.refused.reason()
        ),
    };
    alerts::raise(conn, &slot.workspace, alert, tally.last_ms).await
}
