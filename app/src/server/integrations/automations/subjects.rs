//! The records automations act on, declared once: the kind, the events that may start a run
//! and the fields a condition may test — each a column of the kind's table with the same name
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
    },
];

/// The changes that may start a run, by the action their history records.
const CHANGES: [(&str, &str); 2] = [("create", "is created"), ("update", "is changed")];

/// Every event that may start an automation (`ticket.create`), with what the page calls it.
pub fn triggers() -> Vec<NamedChoice> {
    SUBJECTS
        .iter()
        .flat_map(|s| {
            CHANGES.iter().map(move |(action, words)| NamedChoice {
                id: format!("{}.{action}", s.kind.noun),
                name: format!("{} {words}", s.label),
            })
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

/// The subject of trigger `event` (`ticket.create`), if it is one.
pub fn of(event: &str) -> Option<&'static Subject> {
    let (noun, action) = event.split_once('.')?;
    if !CHANGES.iter().any(|(a, _)| *a == action) {
        return None;
    }
    SUBJECTS.iter().find(|s| s.kind.noun == noun)
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
        for subject in SUBJECTS {
            for (field, _) in subject.fields {
                assert!(
                    !subject.kind.sensitive.iter().any(|s| s.field == *field),
                    "{field}"
                );
            }
        }
    }
}
