//! Refusals into the trail: each minute's tally of one person's refusals of one kind becomes
//! one entry with its count (outcome `refused`), once the minute is over.

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
        actor: Actor::Person(&slot.user),
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
    tx.commit().await?;
    Ok(())
}
