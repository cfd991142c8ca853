//! Privacy requests against real SQLite and PostgreSQL: the public form names bad fields and
//! saves nothing; a request counts only once confirmed, with one answer for a bad link; the
//! register moves it step by step (verified only with the customer found, rejected only with
//! a reason); the archive holds the customer's data and files; an erasure leaves the records
//! without the person, and a restriction makes the customer read-only; another workspace
//! neither sees nor touches a request; every step is in the trail.

use std::io::Read as _;

use bytes::Bytes;

use app::permissions::keys::{CustomersRead, CustomersWrite, PrivacyProcess, PrivacyRead};
use app::server::audit::append::Origin;
use app::server::files::attachments::{self, OnCustomer};
use app::server::files::spool;
use app::server::platform::clock::Clock;
use app::server::platform::error::DomainError;
use app::server::platform::testing::{backends, storages, Fixture};
use app::server::privacy::{archive, fulfilment, handling, public, register, requester_archive};
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

#[tokio::test]
async fn fulfilment_archives_erases_and_restricts_the_customer() {
    let dir = tempfile::tempdir().unwrap();
    for t in backends().await {
        let label = t.backend().name();
        let f = Fixture::new(&t.db, &Clock::manual(START)).await;
        let storage = storages(dir.path(), None).remove(0);
        let slug = public::slug_of(&f.db, &f.grant::<PrivacyRead>().await)
            .await
            .unwrap();
        let mary = customer(&f, "Mary Shelley", "mary@example.com").await;
        let write = f.grant::<CustomersWrite>().await;
        let upload = spool::spool(
            storage.spool_dir(),
            futures::stream::iter([Ok::<_, std::io::Error>(Bytes::from_static(
                b"%PDF-1.7\nFrankenstein draft",
            ))]),
            1024 * 1024,
        )
        .await
        .unwrap();
        attachments::attach::<OnCustomer>(
            &f.db,
            &f.clock,
            &storage,
            &write,
            &mary,
            "draft.pdf",
            upload,
        )
        .await
        .unwrap();
        let process = f.grant::<PrivacyProcess>().await;
        let tickets = f.grant::<app::permissions::keys::TicketsWrite>().await;
        let ticket = app::server::records::tickets::create(
            &f.db,
            &f.clock,
            &tickets,
            &f.grant::<CustomersRead>().await,
            &app::server::records::tickets::TicketForm {
                customer_id: mary.clone(),
                fields: app::server::records::tickets::EditForm {
                    subject: "Her manuscript".into(),
                    assigned_user_id: f.owner.as_str().into(),
                    ..Default::default()
                },
                message: "Where is my draft?".into(),
            },
        )
        .await
        .unwrap()
        .ticket
        .id;

        // Access: the archive holds the customer and the file; completing needs it taken.
        let access = confirmed(&f, &slug, "access", "mary@example.com").await;
        let early = archive::build(&f.db, &f.clock, &storage, &process, &access).await;
        assert!(
            matches!(early, Err(DomainError::Conflict(_))),
            "{label}: not verified yet"
        );
        handling::link(&f.db, &f.clock, &process, &access, Some(&mary))
            .await
            .unwrap();
        advance(&f, &access, "verified", "").await.unwrap();
        advance(&f, &access, "in_progress", "").await.unwrap();
        let e = fulfilment::fulfil(&f.db, &f.clock, &process, &access, "")
            .await
            .unwrap_err();
        assert!(message(e).contains("Download the archive first"), "{label}");
        let built = archive::build(&f.db, &f.clock, &storage, &process, &access)
            .await
            .unwrap();
        assert_eq!(built.files, 1, "{label}");
        let (built_files, built_records) = (built.files, built.records);
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(built.bytes)).unwrap();
        let mut json = String::new();
        zip.by_name("data.json")
            .unwrap()
            .read_to_string(&mut json)
            .unwrap();
        let data: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(data["customer"]["name"], "Mary Shelley", "{label}");
        assert_eq!(data["customer"]["tax_id"], "GB-SHELLEY-1", "{label}");
        assert_eq!(data["files"][0]["name"], "draft.pdf", "{label}");
        let mut draft = Vec::new();
        zip.by_name("files/001-draft.pdf")
            .unwrap()
            .read_to_end(&mut draft)
            .unwrap();
        assert_eq!(draft, b"%PDF-1.7\nFrankenstein draft", "{label}");
        let done = fulfilment::fulfil(&f.db, &f.clock, &process, &access, "")
            .await
            .unwrap();
        // The requester downloads the same archive from their mailed link, for a week.
        let link = done.archive_token.unwrap();
        let form = public::workspace(&f.db, &slug).await.unwrap();
        let theirs = requester_archive::download(
            &f.db,
            &f.clock,
            &storage,
            &form,
            &link,
            &Origin::default(),
        )
        .await
        .unwrap();
        assert_eq!(
            (theirs.files, theirs.records),
            (built_files, built_records),
            "{label}"
        );
        for forged in ["", "forged", &"x".repeat(200)] {
            let e = requester_archive::download(
                &f.db,
                &f.clock,
                &storage,
                &form,
                forged,
                &Origin::default(),
            )
            .await
            .unwrap_err();
            assert!(
                message(e).starts_with("token: This link has expired"),
                "{label}"
            );
        }
        let downloads = t
            .strings("SELECT target FROM audit_log WHERE action = 'privacy.archive_download'")
            .await;
        assert_eq!(
            downloads,
            std::slice::from_ref(&access),
            "{label}: recorded once"
        );

        // Restriction: the customer reads, but does not change.
        let restrict = confirmed(&f, &slug, "restriction", "mary@example.com").await;
        handling::link(&f.db, &f.clock, &process, &restrict, Some(&mary))
            .await
            .unwrap();
        advance(&f, &restrict, "verified", "").await.unwrap();
        advance(&f, &restrict, "in_progress", "").await.unwrap();
        fulfilment::fulfil(&f.db, &f.clock, &process, &restrict, "")
            .await
            .unwrap();
        let read = f.grant::<CustomersRead>().await;
        let id = app::model::CustomerId::from_client(&mary).unwrap();
        let current = customers::get(&f.db, &read, &id).await.unwrap();
        let change = CustomerForm {
            name: "Mary W. Shelley".into(),
            ..CustomerForm::default()
        };
        let e = customers::update(&f.db, &f.clock, &write, &id, current.version, &change)
            .await
            .unwrap_err();
        assert!(
            message(e).contains("restricted at their request"),
            "{label}"
        );
        let one = app::server::records::bulk::Selection::parse(&mary).unwrap();
        let owner = f.owner.as_str().to_owned();
        let e = customers::bulk_assign(&f.db, &f.clock, &write.bulk().unwrap(), &one, &owner, "")
            .await
            .unwrap_err();
        assert!(
            message(e).contains("restricted at their request"),
            "{label}: bulk"
        );
        // Her ticket takes no more messages; nor may a quote, order, licence or ticket be
        // made for her.
        let e = app::server::records::tickets::thread::add_message(
            &f.db,
            &f.clock,
            &tickets,
            &ticket,
            app::model::MessageKind::Note,
            "Called her",
        )
        .await
        .unwrap_err();
        assert!(
            message(e).contains("restricted at their request"),
            "{label}"
        );
        let mut tx = read.begin(&f.db, false).await.unwrap();
        let e = app::server::records::documents::reachable_customer(&mut tx, &read, &mary)
            .await
            .unwrap_err();
        assert!(
            message(e).starts_with("customer_id: This customer's data is restricted"),
            "{label}"
        );
        drop(tx);

        // Deletion: the person goes, the file with them; the trail says so.
        let ticket_version =
            format!("SELECT CAST(version AS TEXT) FROM tickets WHERE id = '{ticket}'");
        let version_before = t.strings(&ticket_version).await;
        let erase = confirmed(&f, &slug, "deletion", "mary@example.com").await;
        handling::link(&f.db, &f.clock, &process, &erase, Some(&mary))
            .await
            .unwrap();
        advance(&f, &erase, "verified", "").await.unwrap();
        advance(&f, &erase, "in_progress", "").await.unwrap();
        fulfilment::fulfil(
            &f.db,
            &f.clock,
            &process,
            &erase,
            "Invoices stay ten years.",
        )
        .await
        .unwrap();
        let after = customers::get(&f.db, &read, &id).await.unwrap();
        // Kept records move on a version: an editor who opened one before cannot save it back.
        assert_ne!(t.strings(&ticket_version).await, version_before, "{label}");
        assert!(
            after.name.starts_with("Erased customer"),
            "{label}: {}",
            after.name
        );
        assert_eq!(
            (after.email.as_str(), after.notes.as_str()),
            ("", ""),
            "{label}"
        );
        assert!(
            attachments::list::<OnCustomer>(&f.db, &read, &mary)
                .await
                .unwrap()
                .is_empty(),
            "{label}"
        );
        let erased = t
            .strings(&format!(
                "SELECT target FROM audit_log WHERE action = 'privacy.erase' AND workspace_id = '{}'",
                f.workspace.as_str()
            ))
            .await;
        assert_eq!(erased, std::slice::from_ref(&mary), "{label}");
        // The customer's page no longer shows the person's old values in its history.
        let audit = f.grant::<app::permissions::keys::AuditRead>().await;
        let history = app::server::access::audit::history(&f.db, &audit, &mary)
            .await
            .unwrap();
        let shown = format!("{history:?}");
        assert!(!shown.contains("mary@example.com"), "{label}: {shown}");
        assert!(!shown.contains("Prefers letters"), "{label}: {shown}");
        assert!(shown.contains("(erased on request)"), "{label}: {shown}");
        let read_privacy = f.grant::<PrivacyRead>().await;
        let detail = register::detail(&f.db, &f.clock, &read_privacy, &erase)
            .await
            .unwrap();
        assert_eq!(detail.summary.status, "completed", "{label}");
        assert_eq!(detail.customer_state.as_deref(), Some("Erased"), "{label}");
        let gone = requester_archive::download(
            &f.db,
            &f.clock,
            &storage,
            &form,
            &link,
            &Origin::default(),
        )
        .await
        .unwrap_err();
        assert!(
            message(gone).starts_with("token: This link has expired"),
            "{label}: no archive of an erased customer"
        );
        assert!(detail.outcome.unwrap().contains("ten years"), "{label}");
    }
}
