//! Refusals waiting for the trail. A check that refuses notes it here, in memory and without
//! waiting; refusals are counted per workspace, person, what was refused and minute, so a flood
//! of refused requests becomes one entry per minute with a count, never a flood of writes.
//! `audit::refusals` appends each minute's tallies to the chain once the minute is over.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use crate::model::{ApiKeyId, UserId, WorkspaceId};
use crate::server::audit::append::Origin;

const MINUTE_MS: i64 = 60_000;

/// What was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Refused {
    /// A key the person does not hold.
    Permission(&'static str),
    /// Many records at once, under a key they hold, by a role that does not allow bulk work.
    Bulk(&'static str),
    /// Data out, under a key they hold, by a role that does not allow exports.
    Export(&'static str),
    /// An action only an Owner may take, under a key they hold, by someone who is not one.
    Owner(&'static str),
    /// An API key used from an address outside the networks it is limited to.
    KeyAddress,
}

impl Refused {
    /// The trail's action for it.
    pub fn action(self) -> &'static str {
        match self {
            Self::Permission(_) => "permission.refused",
            Self::Bulk(_) => "bulk.refused",
            Self::Export(_) => "export.refused",
            Self::Owner(_) => "owner.refused",
            Self::KeyAddress => "api_key.refused",
        }
    }

    /// The permission key it was refused under (for a key's address, what was wrong).
    pub fn key(self) -> &'static str {
        match self {
            Self::Permission(k) | Self::Bulk(k) | Self::Export(k) | Self::Owner(k) => k,
            Self::KeyAddress => "address",
        }
    }

    pub fn reason(self) -> &'static str {
        match self {
            Self::Permission(_) => "does not hold the key",
            Self::Bulk(_) => "the role does not allow bulk actions",
            Self::Export(_) => "the role does not allow exports",
            Self::Owner(_) => "only an Owner of the workspace may do this",
            Self::KeyAddress => "the key is not allowed from this address",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Slot {
    pub workspace: WorkspaceId,
    pub user: UserId,
    /// The API key refused, when a key made the calls (its creator is `user`).
    pub key: Option<ApiKeyId>,
    pub refused: Refused,
    /// The minute's start (milliseconds since the epoch).
    pub minute_ms: i64,
}

/// One slot's count, and where the first of them came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Tally {
    pub count: i64,
    pub origin: Origin,
    pub first_ms: i64,
    pub last_ms: i64,
}

/// The refusals of this process not yet in the trail. Cheap to clone: one shared count.
#[derive(Clone, Debug, Default)]
pub struct Refusals(Arc<Mutex<HashMap<Slot, Tally>>>);

impl Refusals {
    pub fn note(
        &self,
        workspace: &WorkspaceId,
        user: &UserId,
        key: Option<&ApiKeyId>,
        refused: Refused,
        origin: &Origin,
        at_ms: i64,
    ) {
        let slot = Slot {
            workspace: workspace.clone(),
            user: user.clone(),
            key: key.cloned(),
            refused,
            minute_ms: at_ms - at_ms.rem_euclid(MINUTE_MS),
        };
        let mut pending = self
            .0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let tally = pending.entry(slot).or_insert_with(|| Tally {
            count: 0,
            origin: origin.clone(),
            first_ms: at_ms,
            last_ms: at_ms,
        });
        tally.count += 1;
        tally.last_ms = tally.last_ms.max(at_ms);
    }

    /// Takes the tallies of the minutes over by `now_ms` (every tally with `None`, at
    /// shutdown), oldest first.
    pub fn take(&self, now_ms: Option<i64>) -> Vec<(Slot, Tally)> {
        let mut pending = self
            .0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let over = |slot: &Slot| now_ms.is_none_or(|now| slot.minute_ms + MINUTE_MS <= now);
        let slots: Vec<Slot> = pending.keys().filter(|s| over(s)).cloned().collect();
        let mut taken: Vec<(Slot, Tally)> = slots
            .into_iter()
            .filter_map(|slot| pending.remove(&slot).map(|tally| (slot, tally)))
            .collect();
        taken.sort_by_key(|(_, tally)| tally.first_ms);
        taken
    }

    /// Puts tallies back that could not be written, adding to any counted since.
    pub fn restore(&self, tallies: Vec<(Slot, Tally)>) {
        let mut pending = self
            .0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        for (slot, tally) in tallies {
            pending
                .entry(slot)
                .and_modify(|t| {
                    t.count += tally.count;
                    t.first_ms = t.first_ms.min(tally.first_ms);
                    t.last_ms = t.last_ms.max(tally.last_ms);
                })
                .or_insert(tally);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids() -> (WorkspaceId, UserId) {
        (WorkspaceId::fresh(), UserId::fresh())
    }

    #[test]
    fn a_flood_in_one_minute_is_one_tally_with_its_count() {
        let (ws, user) = ids();
        let refusals = Refusals::default();
        let origin = Origin::new(Some("192.0.2.7".into()), Some("curl"));
        let start = 1_700_000_040_000; // a minute's start
        for i in 0..500 {
            refusals.note(
                &ws,
                &user,
                None,
                Refused::Permission("orders.refund"),
                &origin,
                start + i * 100,
            );
        }
        refusals.note(
            &ws,
            &user,
            None,
            Refused::Export("orders.read"),
            &origin,
            start + 5,
        );
        assert!(
            refusals.take(Some(start + 59_999)).is_empty(),
            "the minute is not over"
        );
        let taken = refusals.take(Some(start + 60_000));
        assert_eq!(taken.len(), 2);
        let (slot, tally) = &taken[0];
        assert_eq!(slot.refused, Refused::Permission("orders.refund"));
        assert_eq!(
            (tally.count, tally.first_ms, tally.last_ms),
            (500, start, start + 49_900)
        );
        assert_eq!(tally.origin, origin);
        assert_eq!(taken[1].1.count, 1);
        assert!(refusals.take(None).is_empty(), "taken once");
    }

    #[test]
    fn minutes_and_people_are_counted_apart_and_restored_tallies_add_up() {
        let (ws, user) = ids();
        let other = UserId::fresh();
        let refusals = Refusals::default();
        let origin = Origin::default();
        let refused = Refused::Bulk("customers.update");
        refusals.note(&ws, &user, None, refused, &origin, 60_000);
        refusals.note(&ws, &user, None, refused, &origin, 120_000);
        refusals.note(&ws, &other, None, refused, &origin, 60_001);
        let first = refusals.take(Some(120_000));
        assert_eq!(first.len(), 2, "the minute from 60 s, for each person");
        refusals.restore(first);
        refusals.note(&ws, &user, None, refused, &origin, 60_002);
        let all = refusals.take(None);
        let counts: Vec<i64> = all.iter().map(|(_, t)| t.count).collect();
        assert_eq!(counts.iter().sum::<i64>(), 4);
        assert_eq!(all.len(), 3);
    }
}
