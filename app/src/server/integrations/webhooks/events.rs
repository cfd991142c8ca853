//! The events an endpoint may subscribe to. Record events are derived from the record kit:
//! every kind registered there has its created / updated / deleted events and "all" (status
//! changes, lines, replies: every entry its history writes). An event's type is the name its
//! entry has in the trail (`customer.create`), so the two never disagree. Then the flows
//! ([`FLOWS`]: approval decisions, privacy-request steps) and the security alerts.

use super::announced::{EVERYTHING, FLOWS};
use crate::model::WebhookEventOption;
use crate::server::audit::alerts::AlertKind;
use crate::server::platform::error::DomainError;
use crate::server::records::kinds::KINDS;
/// The event "send test event" delivers.
pub const TEST_EVENT: &str = "webhook.test";
/// The most subscriptions one endpoint keeps.
const MAX: usize = 100;

/// The page's choices, grouped by kind.
pub fn options() -> Vec<WebhookEventOption> {
    let mut out = vec![WebhookEventOption {
        key: EVERYTHING.into(),
        label: "Every event of every kind".into(),
        group: "Everything".into(),
    }];
    for kind in KINDS {
        let mut group = kind.noun.replace('_', " ");
        group[..1].make_ascii_uppercase();
        for (action, label) in [
            ("create", "Created"),
            ("update", "Updated"),
            ("delete", "Deleted"),
            ("*", "All"),
        ] {
            out.push(WebhookEventOption {
                key: format!("{}.{action}", kind.noun),
                label: label.into(),
                group: group.clone(),
            });
        }
    }
    for (i, flow) in FLOWS.iter().enumerate() {
        out.push(WebhookEventOption {
            key: flow.event_type.into(),
            label: flow.label.into(),
            group: flow.group.into(),
        });
        if FLOWS.get(i + 1).is_none_or(|next| next.group != flow.group) {
            let family = flow.event_type.split('.').next().unwrap_or_default();
            out.push(WebhookEventOption {
                key: format!("{family}.*"),
                label: "All".into(),
                group: flow.group.into(),
            });
        }
    }
    for kind in AlertKind::ALL {
        out.push(WebhookEventOption {
            key: format!("alert.{}", kind.key()),
            label: kind.label().into(),
            group: "Security alerts".into(),
        });
    }
    out.push(WebhookEventOption {
        key: "alert.*".into(),
        label: "Every alert".into(),
        group: "Security alerts".into(),
    });
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
        assert!(check(&["refund.approved".to_owned(), "alert.*".to_owned()]).is_ok());
    }
}
