//! The document library against real SQLite and PostgreSQL, on disk and S3 storage: documents
//! are scoped like every record, each upload is a new version listed newest first with the
//! older ones kept, a stale edit and bad input change nothing, and deleting a document takes
//! its versions with it and queues their bytes for the sweeper.

use bytes::Bytes;

use app::model::DocumentId;
use app::permissions::keys::{DocumentsDelete, DocumentsRead, DocumentsWrite};
use app::server::access::grants;
use app::server::files::attachments::{self, OnDocument};
use app::server::files::spool;
use app::server::files::storage::Storage;
use app::server::platform::clock::Clock;
use app::server::platform::error::DomainError;
use app::server::platform::testing::{backends, storages, Fixture};
use app::server::records::library::{self, DocumentForm};
use app::server::records::listing::ListParams;

const START: i64 = 1_780_000_000_000;

async fn upload(f: &Fixture, storage: &Storage, clock: &Clock, id: &DocumentId, name: &str) {
    let mut bytes = b"%PDF-1.7\n".to_vec();
    bytes.extend_from_slice(name.as_bytes());
    let body = futures::stream::iter([Ok::<_, std::io::Error>(Bytes::from(bytes))]);
    let spooled = spool::spool(storage.spool_dir(), body, 1024 * 1024)
        .await
        .unwrap();
    let write = f.grant::<DocumentsWrite>().await;
    attachments::attach::<OnDocument>(&f.db, clock, storage, &write, id.as_str(), name, spooled)
        .await
        .unwrap();
}

fn form(title: &str, owner: &str) -> DocumentForm {
    DocumentForm {
        title: title.into(),
        description: "Signed by both parties.\nRenews yearly.".into(),
        tags: "contract, Contract, 2026".into(),
        assigned_user_id: owner.into(),
        team_id: String::new(),
    }
}

#[tokio::test]
async fn documents_keep_every_version_and_are_scoped_like_records() {
    for t in backends().await {
        let label = t.backend().name();
        let dir = tempfile::tempdir().unwrap();
        let clock = Clock::manual(START);
        let f = Fixture::new(&t.db, &clock).await;
        let write = f.grant::<DocumentsWrite>().await;
        let read = f.grant::<DocumentsRead>().await;
        let grace = f.add_member("grace@example.com", "Grace", "Staff").await;

        let contract = library::create(&f.db, &clock, &write, &form("Supply contract", ""))
            .await
            .unwrap();
        assert_eq!(
            contract.tags,
            ["2026", "contract"],
            "{label}: one spelling per tag"
        );
        assert_eq!(contract.versions, 0, "{label}");
        let hers = library::create(
            &f.db,
            &clock,
            &write,
            &form("Grace's notes", grace.as_str()),
        )
        .await
        .unwrap();

        // On every storage back end, each upload is a version; the newest comes first.
        for (n, storage) in storages(dir.path(), None).iter().enumerate() {
            let doc = library::create(&f.db, &clock, &write, &form(&format!("Stored {n}"), ""))
                .await
                .unwrap();
            upload(&f, storage, &clock, &doc.id, "v1.pdf").await;
            clock.advance(std::time::Duration::from_secs(1));
            upload(&f, storage, &clock, &doc.id, "v2.pdf").await;
            let versions = attachments::list::<OnDocument>(&f.db, &read, doc.id.as_str())
                .await
                .unwrap();
            let names: Vec<_> = versions.iter().map(|v| v.name.as_str()).collect();
            assert_eq!(
                names,
                ["v2.pdf", "v1.pdf"],
                "{label} storage {n}: newest first"
            );
        }
        let storage = storages(dir.path(), None).remove(0);
        upload(&f, &storage, &clock, &contract.id, "contract-v1.pdf").await;
        clock.advance(std::time::Duration::from_secs(1));
        upload(&f, &storage, &clock, &contract.id, "contract-v2.pdf").await;
        // The document's own history names each version added.
        let added = t
            .strings(&format!(
                "SELECT after_state FROM audit_log WHERE action = 'document.file_added' \
                 AND target = '{}' ORDER BY created_at",
                contract.id
            ))
            .await;
        assert_eq!(added.len(), 2, "{label}");
        assert!(added[1].contains("contract-v2.pdf"), "{label}: {added:?}");
        let listed = library::list(&f.db, &read, &ListParams::default())
            .await
            .unwrap();
        let titles: Vec<_> = listed
            .items
            .iter()
            .filter(|d| !d.title.starts_with("Stored"))
            .map(|d| (d.title.as_str(), d.versions))
            .collect();
        assert_eq!(
            titles,
            [("Grace's notes", 0), ("Supply contract", 2)],
            "{label}: by title"
        );

        // Staff reach what is assigned to them: Grace's own document, not the contract.
        let staff = grants::require::<DocumentsRead>(&f.db, &clock, &grace, &f.workspace)
            .await
            .unwrap();
        let seen = library::list(&f.db, &staff, &ListParams::default())
            .await
            .unwrap();
        assert_eq!(seen.items.len(), 1, "{label}");
        assert_eq!(seen.items[0].id, hers.id, "{label}");
        assert!(matches!(
            library::get(&f.db, &staff, &contract.id).await,
            Err(DomainError::NotFound)
        ));
        assert!(matches!(
            attachments::list::<OnDocument>(&f.db, &staff, contract.id.as_str()).await,
            Err(DomainError::NotFound)
        ));

        // A stale edit and a bad one change nothing.
        let renamed = form("Supply contract 2026", "");
        let edited = library::update(&f.db, &clock, &write, &contract.id, 1, &renamed)
            .await
            .unwrap();
        assert_eq!(edited.version, 2, "{label}");
        let stale = library::update(
            &f.db,
            &clock,
            &write,
            &contract.id,
            1,
            &form("Overwritten", ""),
        )
        .await;
        assert!(
            matches!(stale, Err(DomainError::Conflict(_))),
            "{label}: {stale:?}"
        );
        let blank = library::update(&f.db, &clock, &write, &contract.id, 2, &form("  ", "")).await;
        match blank {
            Err(DomainError::Invalid { field, .. }) => assert_eq!(field, "title", "{label}"),
            other => panic!("{label}: {other:?}"),
        }
        let now = library::get(&f.db, &read, &contract.id).await.unwrap();
        assert_eq!(
            (now.title.as_str(), now.version),
            ("Supply contract 2026", 2),
            "{label}"
        );

        // Deleting takes the versions, and queues their bytes in the same transaction.
        let queued = t.row_counts(&["orphaned_objects"]).await[0].1;
        let delete = f.grant::<DocumentsDelete>().await;
        library::delete(&f.db, &clock, &delete, &contract.id)
            .await
            .unwrap();
        assert_eq!(
            t.row_counts(&["orphaned_objects"]).await[0].1,
            queued + 2,
            "{label}: both versions' bytes queued"
        );
        assert!(matches!(
            library::get(&f.db, &read, &contract.id).await,
            Err(DomainError::NotFound)
        ));
    }
}

/// A 1×1 PNG, for the company logo.
const PNG: &[u8] = &[
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1f, 0x15, 0xc4,
    0x89, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9c, 0x63, 0xf8, 0xcf, 0xc0, 0xf0,
    0x1f, 0x00, 0x05, 0x00, 0x01, 0xff, 0x89, 0x99, 0x3d, 0x1d, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45,
    0x4e, 0x44, 0xae, 0x42, 0x60, 0x82,
];

/// SQLite rebuilds `files` to take the new purpose (migration 31): every file row, the
/// workspace's logo and the trigger that queues deleted bytes come through, and moving the
/// rows queues no bytes for deletion.
#[tokio::test]
async fn the_sqlite_files_rebuild_keeps_every_file_and_logo() {
    use app::permissions::keys::{CustomersWrite, SettingsWrite};
    use app::server::files::attachments::OnCustomer;
    use app::server::files::logo;
    use app::server::records::customers;
    let t = app::server::platform::testing::sqlite_without(31).await;
    let clock = Clock::manual(START);
    let f = Fixture::new(&t.db, &clock).await;
    let dir = tempfile::tempdir().unwrap();
    let storage = storages(dir.path(), None).remove(0);
    let spooled = |bytes: Vec<u8>| {
        let body = futures::stream::iter([Ok::<_, std::io::Error>(Bytes::from(bytes))]);
        spool::spool(storage.spool_dir(), body, 1024 * 1024)
    };
    let settings = f.grant::<SettingsWrite>().await;
    let logo = logo::set(
        &f.db,
        &clock,
        &storage,
        &settings,
        "logo.png",
        spooled(PNG.to_vec()).await.unwrap(),
    )
    .await
    .unwrap();
    let write = f.grant::<CustomersWrite>().await;
    let customer = customers::create(
        &f.db,
        &clock,
        &write,
        &customers::CustomerForm {
            name: "Difference Engines".into(),
            ..customers::CustomerForm::default()
        },
    )
    .await
    .unwrap();
    let pdf = b"%PDF-1.7\nterms\n".to_vec();
    attachments::attach::<OnCustomer>(
        &f.db,
        &clock,
        &storage,
        &write,
        customer.id.as_str(),
        "terms.pdf",
        spooled(pdf).await.unwrap(),
    )
    .await
    .unwrap();
    let files = "SELECT id, purpose, customer_id, object_key, name, sha256, created_at FROM files";
    let before = t.rows_as_text(files).await;
    assert_eq!(before.len(), 2);

    t.db.migrate().await.unwrap();
    assert_eq!(t.rows_as_text(files).await, before, "every file row kept");
    assert_eq!(
        t.strings("SELECT logo_file_id FROM workspaces").await,
        [logo.id.as_str().to_owned()],
        "the logo kept"
    );
    assert_eq!(
        t.row_counts(&["orphaned_objects"]).await[0].1,
        0,
        "no bytes queued"
    );
    // The trigger came back: a customer deleted takes its file and queues its bytes.
    let delete = f.grant::<app::permissions::keys::CustomersDelete>().await;
    customers::delete(&f.db, &clock, &delete, &customer.id, None)
        .await
        .unwrap();
    assert_eq!(
        t.row_counts(&["orphaned_objects", "files"]).await,
        [("orphaned_objects".to_owned(), 1), ("files".to_owned(), 1),]
    );
}
