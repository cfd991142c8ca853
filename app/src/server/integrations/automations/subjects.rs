//! The records automations act on, declared once: the kind, the events and schedules that may
//! start a run and the fields a condition may test — each a column of the kind's table with the same name
//! in its history, so a condition reads what the trail shows. A kind is added here once its
//! records have an assignee (the steps assign).

use crate::model::{NamedChoice, TicketStatus};
use crate::server::records::kind::RecordKind;
use crate::server::records::{customers, tickets};

/// One kind of record automations act on.
pub struct Subject {
    pub kind: &'static RecordKind,
    /// What the page calls its records, capitalised ("Ticket").
    pub label: &'static str,
    /// The columns a condition may test, with what the page calls them. Sensitive fields are
    /// never among them.
    pub fields: &'static [(&'static str, &'static str)],
    /// What a record must be for a schedule to act on it (a condition on the table's columns).
    pub live: Option<&'static str>,
}

pub const SUBJECTS: &[Subject] = &[
    Subject {
        kind: &tickets::KIND,
        label: "Ticket",
        fields: &[
            ("subject", "Subject"),
            ("status", "Status"),
            ("priority", "Priority"),
            ("assigned_user_id", "Assignee (id)"),
            ("team_id", "Team (id)"),
            ("customer_id", "Customer (id)"),
        ],
        live: None,
    },
    Subject {
        kind: &customers::KIND,
        label: "Customer",
        fields: &[
            ("kind", "Kind"),
            ("name", "Name"),
            ("email", "Email"),
            ("phone", "Phone"),
            ("company", "Company"),
            ("assigned_user_id", "Assignee (id)"),
            ("team_id", "Team (id)"),
        ],
        live: Some("erased_at IS NULL"),
    },
];

/// The changes that may start a run, by the action their history records.
const CHANGES: [(&str, &str); 2] = [("create", "is created"), ("update", "is changed")];

const HOUR_MS: i64 = 3_600_000;
const DAY_MS: i64 = 24 * HOUR_MS;

/// How often a scheduled automation runs, for each record of its kind that its conditions
/// hold of. Periods follow the wall clock (UTC), so every server process agrees on them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Period {
    /// The trigger's second half: `ticket.every_day`.
    pub key: &'static str,
    pub words: &'static str,
    pub length_ms: i64,
    /// Where periods start, after the Unix epoch's: weeks start on Monday (the epoch fell on
    /// a Thursday).
    pub offset_ms: i64,
}

impl Period {
    /// The start of the period `now_ms` falls in.
    pub fn start(self, now_ms: i64) -> i64 {
        now_ms - (now_ms - self.offset_ms).rem_euclid(self.length_ms)
    }
}

pub const PERIODS: [Period; 3] = [
    Period {
        key: "every_hour",
        words: "every hour (UTC)",
        length_ms: HOUR_MS,
        offset_ms: 0,
    },
    Period {
        key: "every_day",
        words: "every day at 00:00 UTC",
        length_ms: DAY_MS,
        offset_ms: 0,
    },
    Period {
        key: "every_week",
        words: "every Monday at 00:00 UTC",
        length_ms: 7 * DAY_MS,
        offset_ms: 4 * DAY_MS,
    },
];

/// Every event or schedule that may start an automation (`ticket.create`,
/// `ticket.every_day`), with what the page calls it.
pub fn triggers() -> Vec<NamedChoice> {
    SUBJECTS
        .iter()
        .flat_map(|s| {
            let changes = CHANGES.iter().map(move |(action, words)| NamedChoice {
                id: format!("{}.{action}", s.kind.noun),
                name: format!("{} {words}", s.label),
            });
            let schedules = PERIODS.iter().map(move |p| NamedChoice {
                id: format!("{}.{}", s.kind.noun, p.key),
                name: format!("Each matching {}, {}", s.kind.noun, p.words),
            });
            changes.chain(schedules)
        })
        .collect()
}

/// Every field a condition may test, as `ticket.status`.
pub fn fields() -> Vec<NamedChoice> {
    SUBJECTS
        .iter()
        .flat_map(|s| {
            s.fields.iter().map(move |(field, label)| NamedChoice {
                id: format!("{}.{field}", s.kind.noun),
                name: (*label).to_owned(),
            })
        })
        .collect()
}

/// The statuses a step may move a ticket to.
pub fn ticket_statuses() -> Vec<NamedChoice> {
    TicketStatus::ALL
        .iter()
        .map(|s| NamedChoice {
            id: s.key().to_owned(),
            name: s.label().to_owned(),
        })
        .collect()
}

/// The subject of trigger `event` (`ticket.create`, `ticket.every_day`), if it is one.
pub fn of(event: &str) -> Option<&'static Subject> {
    let (noun, action) = event.split_once('.')?;
    let known =
        CHANGES.iter().any(|(a, _)| *a == action) || PERIODS.iter().any(|p| p.key == action);
    if !known {
        return None;
    }
    SUBJECTS.iter().find(|s| s.kind.noun == noun)
}

/// The schedule of trigger `event`, if it is a scheduled one (`ticket.every_day`).
pub fn period_of(event: &str) -> Option<Period> {
    let (noun, key) = event.split_once('.')?;
    SUBJECTS.iter().find(|s| s.kind.noun == noun)?;
    PERIODS.into_iter().find(|p| p.key == key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_trigger_has_its_subject_and_no_field_is_sensitive() {
        for trigger in triggers() {
            assert!(of(&trigger.id).is_some(), "{}", trigger.id);
        }
        assert!(of("ticket.delete").is_none());
        assert!(of("order.create").is_none());
        assert!(of("order.every_day").is_none());
        assert_eq!(
            period_of("ticket.every_day").map(|p| p.key),
            Some("every_day")
        );
        assert!(period_of("ticket.create").is_none());
        for subject in SUBJECTS {
            for (field, _) in subject.fields {
                assert!(
                    !subject.kind.sensitive.iter().any(|s| s.field == *field),
                    "{field}"
                );
            }
        }
    }

    #[test]
    fn periods_start_on_the_hour_at_midnight_and_on_mondays() {
        // Thursday 2026-12-03 13:45:10 UTC.
        let now = 1_796_305_510_000;
        let [hour, day, week] = PERIODS;
        assert_eq!(
            crate::model::utc_datetime(hour.start(now)),
            "2026-12-03 13:00 UTC"
        );
        assert_eq!(
            crate::model::utc_datetime(day.start(now)),
            "2026-12-03 00:00 UTC"
        );
        assert_eq!(
            crate::model::utc_datetime(week.start(now)),
            "2026-11-30 00:00 UTC"
        );
        assert_eq!(week.start(week.start(now)), week.start(now));
    }
}
