//! Privacy requests against real SQLite and PostgreSQL: the public form names bad fields and
//! saves nothing; a request counts only once confirmed, with one answer for a bad link; the
//! register moves it step by step (verified only with the customer found, rejected only with
//! a reason); another workspace neither sees nor touches a request; every step is in the trail
//! and its steps reach webhooks. Fulfilment is `privacy_fulfilment.rs`.

use app::permissions::keys::{CustomersWrite, PrivacyProcess, PrivacyRead};
use app::server::audit::append::Origin;
use app::server::platform::clock::Clock;
use app::server::platform::error::DomainError;
use app::server::platform::testing::{backends, Fixture};
use app::server::privacy::{handling, public, register};
use app::server::records::customers::{self, CustomerForm};

use crate::support::message;

pub(crate) const START: i64 = 1_795_478_400_000;

pub(crate) fn submission(kind: &str, name: &str, email: &str, details: &str) -> public::Submission {
    public::Submission {
        kind: kind.into(),
        name: name.into(),
        email: email.into(),
        details: details.into(),
    }
}

/// Files and confirms a request through `slug`'s form; its id.
pub(crate) async fn confirmed(f: &Fixture, slug: &str, kind: &str, email: &str) -> String {
    let form = public::workspace(&f.db, slug).await.unwrap();
    let sent = public::submit(
        &f.db,
        &f.clock,
        &form,
        &submission(kind, "Mary Shelley", email, ""),
        &Origin::default(),
    )
    .await
    .unwrap()
    .unwrap();
    public::confirm(&f.db, &f.clock, &form, &sent.token, &Origin::default())
        .await
        .unwrap();
    let read = f.grant::<PrivacyRead>().await;
    register::list(&f.db, &f.clock, &read)
        .await
        .unwrap()
        .into_iter()
        .find(|r| r.kind == kind && r.requester_email == email)
        .unwrap()
        .id
}

pub(crate) async fn advance(
    f: &Fixture,
    id: &str,
    status: &str,
    note: &str,
) -> Result<(), DomainError> {
    let process = f.grant::<PrivacyProcess>().await;
    handling::advance(&f.db, &f.clock, &process, id, status, note)
        .await
        .map(|_| ())
}

pub(crate) async fn customer(f: &Fixture, name: &str, email: &str) -> String {
    let write = f.grant::<CustomersWrite>().await;
    let form = CustomerForm {
        name: name.into(),
        email: email.into(),
        notes: "Prefers letters".into(),
        tax_id: "GB-SHELLEY-1".into(),
        ..CustomerForm::default()
    };
    customers::create(&f.db, &f.clock, &write, &form)
        .await
        .unwrap()
        .id
        .as_str()
        .to_owned()
}

#[tokio::test]
async fn a_request_counts_once_confirmed_and_moves_only_by_the_rules() {
    for t in backends().await {
        let label = t.backend().name();
        let f = Fixture::new(&t.db, &Clock::manual(START)).await;
        super::webhooks::endpoint(&f, "http://127.0.0.1:9/privacy", &["privacy.*"]).await;
        let slug = public::slug_of(&f.db, &f.grant::<PrivacyRead>().await)
            .await
            .unwrap();
        let form = public::workspace(&f.db, &slug).await.unwrap();
        assert!(matches!(
            public::workspace(&f.db, "no-such-workspace").await,
            Err(DomainError::NotFound)
        ));

        // Each bad field is named and nothing is written.
        let before = t.row_counts(&["privacy_requests", "audit_log"]).await;
        for (s, expected) in [
            (submission("erase", "Mary", "m@example.com", ""), "kind:"),
            (submission("access", " ", "m@example.com", ""), "name:"),
            (submission("access", "Mary", "not an address", ""), "email:"),
            (
                submission("correction", "Mary", "m@example.com", ""),
                "details:",
            ),
            (
                submission("access", "Mary", "m@example.com", "a\u{7}b"),
                "details:",
            ),
        ] {
            let e = public::submit(&f.db, &f.clock, &form, &s, &Origin::default())
                .await
                .unwrap_err();
            assert!(message(e).starts_with(expected), "{label}: {expected}");
        }
        assert_eq!(
            t.row_counts(&["privacy_requests", "audit_log"]).await,
            before,
            "{label}"
        );

        // Unconfirmed, it is not in the register; a forged link is refused.
        let sent = public::submit(
            &f.db,
            &f.clock,
            &form,
            &submission(
                "access",
                "Mary Shelley",
                "mary@example.com",
                "<b>everything</b>",
            ),
            &Origin::default(),
        )
        .await
        .unwrap()
        .unwrap();
        let read = f.grant::<PrivacyRead>().await;
        assert!(register::list(&f.db, &f.clock, &read)
            .await
            .unwrap()
            .is_empty());
        let forged = public::confirm(&f.db, &f.clock, &form, "forged", &Origin::default())
            .await
            .unwrap_err();
        assert!(
            message(forged).starts_with("token: This link has expired"),
            "{label}"
        );
        // A link works in its own workspace only.
        let other = f.other_workspace("Difference Engines").await;
        let other_slug: String = t
            .strings(&format!(
                "SELECT slug FROM workspaces WHERE id = '{}'",
                other.as_str()
            ))
            .await
            .remove(0);
        let elsewhere = public::workspace(&f.db, &other_slug).await.unwrap();
        assert!(
            public::confirm(&f.db, &f.clock, &elsewhere, &sent.token, &Origin::default())
                .await
                .is_err()
        );
        let done = public::confirm(&f.db, &f.clock, &form, &sent.token, &Origin::default())
            .await
            .unwrap();
        assert_eq!(done.shown.reference, "PR-1", "{label}");
        assert_eq!(
            done.shown.due_on, "2026-12-24",
            "{label}: 30 days from the confirmation"
        );
        // Used once.
        assert!(
            public::confirm(&f.db, &f.clock, &form, &sent.token, &Origin::default())
                .await
                .is_err()
        );
        let listed = register::list(&f.db, &f.clock, &read).await.unwrap();
        assert_eq!(listed.len(), 1, "{label}");
        let id = listed[0].id.clone();
        assert_eq!(listed[0].status, "received");

        // Three unconfirmed per email at most: more are answered the same and dropped.
        for n in 0..4 {
            let sent = public::submit(
                &f.db,
                &f.clock,
                &form,
                &submission("deletion", "Flood", "flood@example.com", ""),
                &Origin::default(),
            )
            .await
            .unwrap();
            assert_eq!(sent.is_some(), n < 3, "{label}: submission {n}");
        }
        let waiting = t
            .strings("SELECT id FROM privacy_requests WHERE requester_email = 'flood@example.com'")
            .await;
        assert_eq!(waiting.len(), 3, "{label}");
        // Unconfirmed past their link's day, they go with the daily purge; confirmed ones stay.
        f.clock.advance(std::time::Duration::from_secs(86_400 + 1));
        assert_eq!(
            public::purge_unconfirmed(&f.db, &f.clock).await.unwrap(),
            3,
            "{label}"
        );
        let left = t.strings("SELECT status FROM privacy_requests").await;
        assert_eq!(left, ["received"], "{label}");

        // Verified only with the customer found; rejected only with a reason; no skipping.
        let e = advance(&f, &id, "verified", "").await.unwrap_err();
        assert!(
            message(e).starts_with("status: Find the customer"),
            "{label}"
        );
        let e = advance(&f, &id, "completed", "").await.unwrap_err();
        assert!(matches!(e, DomainError::Conflict(_)), "{label}");
        let e = advance(&f, &id, "rejected", "  ").await.unwrap_err();
        assert!(message(e).starts_with("note: Say why"), "{label}");
        let mary = customer(&f, "Mary Shelley", "Mary@Example.com").await;
        let process = f.grant::<PrivacyProcess>().await;
        let detail = register::detail(&f.db, &f.clock, &read, &id).await.unwrap();
        assert_eq!(
            detail.matches.len(),
            1,
            "{label}: matched by address and name, once"
        );
        assert_eq!(detail.matches[0].id, mary);
        handling::link(&f.db, &f.clock, &process, &id, Some(&mary))
            .await
            .unwrap();
        advance(&f, &id, "verified", "").await.unwrap();
        let e = handling::link(&f.db, &f.clock, &process, &id, None)
            .await
            .unwrap_err();
        assert!(
            matches!(e, DomainError::Conflict(_)),
            "{label}: fixed once verified"
        );

        // Assignee: a member who may handle requests.
        let staff = f
            .add_member("percy@example.com", "Percy Shelley", "Staff")
            .await;
        let e = handling::assign(&f.db, &f.clock, &process, &id, Some(&staff))
            .await
            .unwrap_err();
        assert!(message(e).starts_with("assignee_id:"), "{label}");
        handling::assign(&f.db, &f.clock, &process, &id, Some(&f.owner))
            .await
            .unwrap();
        handling::note(&f.db, &f.clock, &process, &id, "Called her back")
            .await
            .unwrap();

        // Staff may not read the register; another workspace's grant does not find it.
        assert!(f.grant_of::<PrivacyRead>(&staff).await.is_err(), "{label}");
        let theirs = app::server::access::grants::require::<PrivacyProcess>(
            &f.db, &f.clock, &f.owner, &other,
        )
        .await
        .unwrap();
        for e in [
            handling::advance(&f.db, &f.clock, &theirs, &id, "in_progress", "")
                .await
                .err(),
            handling::note(&f.db, &f.clock, &theirs, &id, "x")
                .await
                .err(),
        ] {
            assert!(matches!(e, Some(DomainError::NotFound)), "{label}");
        }

        let detail = register::detail(&f.db, &f.clock, &read, &id).await.unwrap();
        assert_eq!(detail.summary.status, "verified");
        assert_eq!(detail.summary.assignee.as_deref(), Some("Ada Lovelace"));
        assert_eq!(
            detail.details, "<b>everything</b>",
            "{label}: stored as text"
        );
        let steps: Vec<_> = detail.steps.iter().map(|s| s.status.clone()).collect();
        assert_eq!(
            steps,
            [Some("received".into()), Some("verified".into()), None],
            "{label}"
        );
        let actions = t
            .strings(&format!(
                "SELECT action FROM audit_log WHERE workspace_id = '{}' AND action LIKE 'privacy.%' \
                 ORDER BY seq",
                f.workspace.as_str()
            ))
            .await;
        assert_eq!(
            actions,
            [
                "privacy.submit",
                "privacy.confirm",
                "privacy.submit",
                "privacy.submit",
                "privacy.submit",
                "privacy.link",
                "privacy.status",
                "privacy.assign",
                "privacy.note",
            ],
            "{label}"
        );
        // Its steps reached the endpoint that hears privacy requests: the confirmation (made
        // by a visitor) and the move on, not the unconfirmed filings, the match or the notes.
        let announced = t
            .strings("SELECT event_type FROM webhook_messages ORDER BY created_at, event_type")
            .await;
        assert_eq!(announced, ["privacy.confirm", "privacy.status"], "{label}");
    }
}
