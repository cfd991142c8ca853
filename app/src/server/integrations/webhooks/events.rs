//! The events an endpoint may subscribe to, derived from the record kit: every kind registered
//! there has its created / updated / deleted events and "everything" (status changes, lines,
//! replies: every entry its history writes). An event's type is the name its history entry
//! has in the trail (`customer.create`), so the two never disagree.

use crate::model::WebhookEventOption;
use crate::server::platform::error::DomainError;
use crate::server::records::kinds::KINDS;

/// Subscribing to this hears every event of the workspace.
pub const EVERYTHING: &str = "*";
/// The event "send test event" delivers.
pub const TEST_EVENT: &str = "webhook.test";
/// The most subscriptions one endpoint keeps.
const MAX: usize = 100;

/// The page's choices, grouped by kind.
pub fn options() -> Vec<WebhookEventOption> {
    let mut out = vec![WebhookEventOption {
        key: EVERYTHING.into(),
        label: "Every event".into(),
        group: "All".into(),
    }];
    for kind in KINDS {
        let mut group = kind.noun.replace('_', " ");
        group[..1].make_ascii_uppercase();
        for (action, label) in [
            ("create", "Created"),
            ("update", "Updated"),
            ("delete", "Deleted"),
            ("*", "Every change (also status changes, lines, replies)"),
        ] {
            out.push(WebhookEventOption {
                key: format!("{}.{action}", kind.noun),
                label: label.into(),
                group: group.clone(),
            });
        }
    }
    out
}

/// The subscriptions as sent, checked against the catalogue, deduplicated, in catalogue order.
pub fn check(chosen: &[String]) -> Result<Vec<String>, DomainError> {
    if chosen.len() > MAX {
        return Err(DomainError::invalid("events", "Choose fewer events."));
    }
    let known = options();
    if let Some(unknown) = chosen.iter().find(|c| !known.iter().any(|o| &o.key == *c)) {
        let shown: String = unknown
            .chars()
            .take(40)
            .filter(|c| !c.is_control())
            .collect();
        return Err(DomainError::invalid(
            "events",
            format!("“{shown}” is not an event Gatehouse sends."),
        ));
    }
    let events: Vec<String> = known
        .into_iter()
        .map(|o| o.key)
        .filter(|k| chosen.contains(k))
        .collect();
    if events.is_empty() {
        return Err(DomainError::invalid(
            "events",
            "Choose at least one event to deliver.",
        ));
    }
    Ok(events)
}

/// The subscriptions an event of `event_type` reaches: itself, its kind's `*`, and `*`.
pub fn hearers(event_type: &str) -> [String; 3] {
    let noun = event_type.split('.').next().unwrap_or(event_type);
    [
        event_type.to_owned(),
        format!("{noun}.*"),
        EVERYTHING.to_owned(),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_record_kind_offers_its_events() {
        let keys: Vec<String> = options().into_iter().map(|o| o.key).collect();
        for kind in KINDS {
            assert!(
                keys.contains(&format!("{}.create", kind.noun)),
                "{}",
                kind.noun
            );
            assert!(keys.contains(&format!("{}.*", kind.noun)));
        }
    }

    #[test]
    fn subscriptions_are_checked_and_kept_in_order() {
        let chosen = vec!["customer.*".to_owned(), "*".to_owned(), "*".to_owned()];
        assert_eq!(check(&chosen).unwrap(), vec!["*", "customer.*"]);
        assert!(check(&[]).is_err());
        assert!(check(&["customer.explode".to_owned()]).is_err());
        assert_eq!(
            hearers("order.confirmed"),
            ["order.confirmed".to_owned(), "order.*".into(), "*".into()]
        );
    }
}
