//! Which events reach which subscriptions, and the events announced besides record changes.
//! Kept free of the record kit so the outbox, which the kit calls, does not import it back.

/// Subscribing to this hears every event of the workspace.
pub const EVERYTHING: &str = "*";

/// An event announced from a flow rather than a record's history: its type, the heading it is
/// listed under, and its label.
pub struct Flow {
    pub event_type: &'static str,
    pub group: &'static str,
    pub label: &'static str,
}

/// Approval decisions and privacy-request steps. Security alerts are `alert.<kind>`.
pub const FLOWS: &[Flow] = &[
    Flow {
        event_type: "refund.requested",
        group: "Refund approvals",
        label: "Requested",
    },
    Flow {
        event_type: "refund.approved",
        group: "Refund approvals",
        label: "Approved",
    },
    Flow {
        event_type: "refund.rejected",
        group: "Refund approvals",
        label: "Rejected",
    },
    Flow {
        event_type: "privacy.confirm",
        group: "Privacy requests",
        label: "Confirmed by the requester",
    },
    Flow {
        event_type: "privacy.status",
        group: "Privacy requests",
        label: "Moved to another step",
    },
];

/// Whether a trail entry named `action` is announced as a flow event.
pub fn is_flow(action: &str) -> bool {
    FLOWS.iter().any(|f| f.event_type == action)
}

/// The subscriptions an event of `event_type` reaches: itself, its family's `*`, and `*`.
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
    fn an_event_reaches_itself_its_family_and_everything() {
        assert_eq!(
            hearers("order.confirmed"),
            ["order.confirmed".to_owned(), "order.*".into(), "*".into()]
        );
        assert_eq!(hearers("alert.sign_in.burst_account")[1], "alert.*");
        assert!(is_flow("refund.approved") && !is_flow("refund.paid"));
    }
}
