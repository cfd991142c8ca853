//! Files on tickets and proof of payments against real SQLite and PostgreSQL: each holder takes
//! only its own types and size, under its own keys — a ticket's files with the ticket keys, a
//! payment's proof only with the key that unmasks payment details — and a refusal stores
//! nothing.

use bytes::Bytes;

use app::model::UploadProblem;
use app::permissions::keys::{
    CustomersRead, CustomersWrite, OrdersRead, OrdersWrite, PaymentsProcess, PaymentsRead,
    RolesWrite, TicketsRead, TicketsWrite,
};
use app::server::access::{grants, role_editor};
use app::server::files::attachments::{self, FileError, OnPayment, OnTicket};
use app::server::files::spool::{self, Spooled};
use app::server::files::storage::Storage;
use app::server::platform::clock::Clock;
use app::server::platform::error::DomainError;
use app::server::platform::testing::{backends, storages, Fixture};
use app::server::records::payments::actions;
use app::server::records::tickets::{EditForm, TicketForm};
use app::server::records::{customers, orders, tickets};

use super::payments::{order_of_200, pay, START};
use super::support::draft;

async fn spooled(storage: &Storage, bytes: Vec<u8>) -> Spooled {
    let body = futures::stream::iter([Ok::<_, std::io::Error>(Bytes::from(bytes))]);
    spool::spool(storage.spool_dir(), body, 20 * 1024 * 1024)
        .await
        .unwrap()
}

fn pdf(len: usize) -> Vec<u8> {
    let mut bytes = b"%PDF-1.7\n".to_vec();
    bytes.resize(len, b'x');
    bytes
}

fn refusal(r: Result<app::model::FileSummary, FileError>) -> (UploadProblem, String) {
    match r {
        Err(FileError::Refused { problem, message }) => (problem, message),
        other => panic!("expected a refusal, got {other:?}"),
    }
}

#[tokio::test]
async fn tickets_and_payments_take_their_own_files_under_their_own_keys() {
    for t in backends().await {
        let label = t.backend().name();
        let clock = Clock::manual(START);
        let f = Fixture::new(&t.db, &clock).await;
        let dir = tempfile::tempdir().unwrap();
        let storage = storages(dir.path(), None).remove(0);

        let customer = customers::create(
            &f.db,
            &clock,
            &f.grant::<CustomersWrite>().await,
            &customers::CustomerForm {
                name: "Difference Engines".into(),
                ..customers::CustomerForm::default()
            },
        )
        .await
        .unwrap();
        let form = TicketForm {
            customer_id: customer.id.as_str().into(),
            fields: EditForm {
                subject: "The engine will not start".into(),
                priority: String::new(),
                assigned_user_id: String::new(),
                team_id: String::new(),
            },
            message: "It stops at the third column.".into(),
        };
        let ticket = tickets::create(
            &f.db,
            &clock,
            &f.grant::<TicketsWrite>().await,
            &f.grant::<CustomersRead>().await,
            &form,
        )
        .await
        .unwrap()
        .ticket
        .id;
        let ticket = ticket.as_str();

        // A ticket's thread takes PDF, PNG and JPG up to 5 MB: a DOCX and a 6 MB PDF are
        // refused with the reason, and neither leaves a row or an object.
        let write = f.grant::<TicketsWrite>().await;
        let attach = |name: &'static str, bytes: Vec<u8>| {
            let (db, clock, storage, write) = (&f.db, &clock, &storage, &write);
            async move {
                let upload = spooled(storage, bytes).await;
                attachments::attach::<OnTicket>(db, clock, storage, write, ticket, name, upload)
                    .await
            }
        };
        let (problem, message) = refusal(attach("notes.docx", pdf(1000)).await);
        assert_eq!(problem, UploadProblem::Type, "{label}");
        assert_eq!(
            message, "Only PDF, PNG, JPG files are accepted here.",
            "{label}"
        );
        let (problem, message) = refusal(attach("scan.pdf", pdf(6 * 1024 * 1024)).await);
        assert_eq!(problem, UploadProblem::TooLarge, "{label}");
        assert!(message.contains("up to 5 MB"), "{label}: {message}");
        assert_eq!(t.row_counts(&["files"]).await[0].1, 0, "{label}");
        let screenshot = attach("screen.pdf", pdf(4000)).await.unwrap();
        let read = f.grant::<TicketsRead>().await;
        let listed = attachments::list::<OnTicket>(&f.db, &read, ticket)
            .await
            .unwrap();
        let listed: Vec<_> = listed.iter().map(|f| (&f.id, f.name.as_str())).collect();
        assert_eq!(listed, vec![(&screenshot.id, "screen.pdf")], "{label}");
        assert_eq!(
            t.strings("SELECT purpose FROM files").await,
            vec!["ticket_attachment".to_owned()],
            "{label}"
        );

        // A confirmed order, paid: its payment takes proof up to 8 MB.
        let (order, version) = order_of_200(&f).await;
        orders::flow::confirm(
            &f.db,
            &clock,
            &f.grant::<OrdersWrite>().await,
            &order,
            version,
        )
        .await
        .unwrap();
        let process = f.grant::<PaymentsProcess>().await;
        actions::take(&f.db, &clock, &process, &pay(&order, "200", ""))
            .await
            .unwrap();
        let payment = app::server::records::payments::for_order(
            &f.db,
            &f.grant::<OrdersRead>().await,
            &order,
        )
        .await
        .unwrap()
        .payments[0]
            .id
            .clone();
        let upload = spooled(&storage, pdf(7 * 1024 * 1024)).await;
        let proof = attachments::attach::<OnPayment>(
            &f.db,
            &clock,
            &storage,
            &process,
            payment.as_str(),
            "statement.pdf",
            upload,
        )
        .await
        .unwrap();

        // A role that reads orders but not payment details sees the order's payments masked,
        // and neither lists nor downloads their proof.
        let mut clerk = draft("Order clerk", &["orders.read"]);
        clerk.scopes = vec![("orders".into(), "all".into())];
        role_editor::create(&f.db, &clock, &f.grant::<RolesWrite>().await, &clerk)
            .await
            .unwrap();
        let clerk = f
            .add_member("clerk@example.com", "Ada Clerk", "Order clerk")
            .await;
        assert!(matches!(
            f.grant_of::<PaymentsRead>(&clerk).await,
            Err(DomainError::Forbidden)
        ));
        let held = grants::held(&f.db, &clock, &clerk, &f.workspace)
            .await
            .unwrap();
        assert!(
            matches!(
                attachments::find(&f.db, &held, &proof.id).await,
                Err(DomainError::Forbidden)
            ),
            "{label}"
        );
        let owner = grants::held(&f.db, &clock, &f.owner, &f.workspace)
            .await
            .unwrap();
        let found = attachments::find(&f.db, &owner, &proof.id).await.unwrap();
        assert_eq!(found.summary.id, proof.id, "{label}");
        assert_eq!(found.summary.size, 7 * 1024 * 1024, "{label}");
        let found = attachments::find(&f.db, &owner, &screenshot.id)
            .await
            .unwrap();
        assert_eq!(found.summary.name, "screen.pdf", "{label}");

        // Each holder's files are its own: the screenshot is not the payment's to remove.
        assert!(
            matches!(
                attachments::remove::<OnPayment>(
                    &f.db,
                    &f.clock,
                    &storage,
                    &process,
                    payment.as_str(),
                    &screenshot.id
                )
                .await,
                Err(FileError::Domain(DomainError::NotFound))
            ),
            "{label}"
        );
        assert_eq!(t.row_counts(&["files"]).await[0].1, 2, "{label}");
        // Proof takes up to 8 MB: 9 MB is refused, and nothing is added.
        let upload = spooled(&storage, pdf(9 * 1024 * 1024)).await;
        let (problem, message) = refusal(
            attachments::attach::<OnPayment>(
                &f.db,
                &clock,
                &storage,
                &process,
                payment.as_str(),
                "statement.pdf",
                upload,
            )
            .await,
        );
        assert_eq!(problem, UploadProblem::TooLarge, "{label}");
        assert!(message.contains("up to 8 MB"), "{label}: {message}");
        assert_eq!(t.row_counts(&["files"]).await[0].1, 2, "{label}");
    }
}
