//! Fulfilling privacy requests against real SQLite and PostgreSQL: the archive holds the
//! customer's data and files; an erasure leaves the records without the person, and a
//! restriction makes the customer read-only.

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

use super::privacy_requests::{advance, confirmed, customer, START};
use crate::support::message;

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
