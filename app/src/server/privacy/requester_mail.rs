//! What the requester is mailed: the link that confirms their request, then a message at each
//! step (received, verified, in progress, completed, rejected) with the request's reference.
//! Internal notes are never mailed.

use lettre::message::Mailbox;

use crate::model::privacy_kind_label;
use crate::server::platform::mail::{Mail, Mailer};

use super::requests::{Kind, Status};

/// Who asked.
#[derive(Clone)]
pub struct Requester {
    pub name: String,
    pub email: String,
}

crate::redacted_debug!(Requester { name });

impl Requester {
    fn mailbox(&self) -> Option<Mailbox> {
        let address = self.email.parse().ok()?;
        Some(Mailbox::new(Some(self.name.clone()), address))
    }
}

/// The first message: follow the link or nothing happens.
pub fn confirmation(workspace: &str, kind: Kind, link: &str) -> (String, String) {
    (
        format!("Confirm your privacy request to {workspace}"),
        format!(
            "Someone, we hope you, asked {workspace} through its privacy form: \
             “{}”.\n\nConfirm the request here:\n\n{link}\n\n\
             The link works once, for 24 hours. Until it is confirmed, the request does not \
             count and nothing is done. If you did not ask, ignore this message.\n",
            privacy_kind_label(kind.key())
        ),
    )
}

/// The message for a step the request reached. `body` is what the handler wrote for the
/// requester (why it was rejected, what was done); the due day is the answer's latest day.
pub fn step(
    workspace: &str,
    reference: &str,
    kind: Kind,
    status: Status,
    body: &str,
    due_on: &str,
) -> (String, String) {
    let asked = privacy_kind_label(kind.key());
    let (headline, said) = match status {
        Status::Received => (
            "received",
            format!("We have your request and will answer by {due_on}."),
        ),
        Status::Verified => (
            "verified",
            "We have checked that the request is yours and found the data it is about.".into(),
        ),
        Status::InProgress => ("in progress", "We are working on your request now.".into()),
        Status::Completed => ("completed", "Your request is completed.".into()),
        Status::Rejected => ("rejected", "We could not carry out your request.".into()),
        Status::Unconfirmed => ("waiting for your confirmation", String::new()),
    };
    let note = if body.trim().is_empty() {
        String::new()
    } else {
        format!("\n\n{}", body.trim())
    };
    (
        format!("Your privacy request {reference} to {workspace}: {headline}"),
        format!(
            "Your request “{asked}” ({reference}) to {workspace} is {headline}.\n\n{said}{note}\n\n\
             Reply to the workspace quoting {reference} if you have questions.\n"
        ),
    )
}

/// Sends one message to the requester; whether it went (a failure is logged).
pub async fn send(mailer: &Mailer, to: &Requester, (subject, text): (String, String)) -> bool {
    let Some(mailbox) = to.mailbox() else {
        tracing::warn!("privacy request mail: the requester's address does not parse");
        return false;
    };
    match mailer
        .send(Mail {
            to: mailbox,
            subject,
            text,
        })
        .await
    {
        Ok(()) => true,
        Err(e) => {
            tracing::warn!(error = %e, "privacy request mail not sent");
            false
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_step_names_the_reference_and_what_was_asked() {
        let (subject, text) = step(
            "Acme",
            "PR-3",
            Kind::Deletion,
            Status::Rejected,
            "We must keep invoices for ten years.",
            "2026-12-31",
        );
        assert_eq!(subject, "Your privacy request PR-3 to Acme: rejected");
        assert!(text.contains("“Delete my data” (PR-3)"), "{text}");
        assert!(text.contains("ten years"), "{text}");
        let (_, received) = step(
            "Acme",
            "PR-3",
            Kind::Access,
            Status::Received,
            "",
            "2026-12-31",
        );
        assert!(received.contains("by 2026-12-31"), "{received}");
    }
}
