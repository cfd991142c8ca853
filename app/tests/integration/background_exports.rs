//! Exports in the background against real SQLite and PostgreSQL and each storage back end
//! (sealed): the stored file is byte for byte the streamed export, its progress ends at the
//! list's row count, a cancel keeps no file, only its person reaches it, a role without
//! leave to export cannot start one, and a week later its file is tidied away.

use std::time::Duration;

use futures::StreamExt;

use app::model::{ExportId, ExportList, ExportStatus, UserId};
use app::permissions::keys::{CustomersExport, CustomersWrite, RolesWrite, TeamWrite};
use app::server::access::assignments;
use app::server::access::role_editor::{self, RoleDraft};
use app::server::exports::customers::Customers;
use app::server::exports::kit::{Address, Exporter};
use app::server::exports::stream::Request;
use app::server::exports::{background, runs};
use app::server::files::sealing::FileKey;
use app::server::files::storage::Storage;
use app::server::platform::clock::Clock;
use app::server::platform::error::DomainError;
use app::server::platform::testing::{backends, storages, Fixture};
use app::server::records::customers::{self, CustomerForm};

use super::exports::export_text;

const KEY: &str = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";

async fn start(
    f: &Fixture,
    storage: &Storage,
    person: &UserId,
    pairs: &[(&str, &str)],
) -> Result<ExportId, DomainError> {
    let pairs = pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    let address = Address::parse(pairs, Customers::OWN).unwrap();
    let asked = Request::<Customers> {
        read: f.grant_of(person).await?,
        export: f.grant_of(person).await?,
        address: &address,
        raw: "kind=company",
        ip: Some("203.0.113.9"),
        background: true,
    };
    background::start::<Customers>(&f.db, &f.clock, storage, asked).await
}

async fn ended(f: &Fixture, person: &UserId, id: &ExportId) -> runs::Stored {
    let grant = f.grant_of::<CustomersExport>(person).await.unwrap();
    for _ in 0..600 {
        let stored = runs::find(&f.db, &grant, ExportList::CUSTOMERS, id, f.clock.now_ms())
            .await
            .unwrap();
        if stored.view.status != ExportStatus::Running {
            return stored;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the export did not end in 30 s");
}

fn spooled_files(dir: &std::path::Path) -> usize {
    walk(dir)
        .into_iter()
        .filter(|p| {
            p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with("upload-"))
        })
        .count()
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    entries
        .flatten()
        .flat_map(|e| {
            let path = e.path();
            if path.is_dir() {
                walk(&path)
            } else {
                vec![path]
            }
        })
        .collect()
}

#[tokio::test]
async fn the_stored_file_is_the_streamed_export_and_its_person_alone_reaches_it() {
    for t in backends().await {
        let clock = Clock::manual(1_795_478_400_000);
        let f = Fixture::new(&t.db, &clock).await;
        let write = f.grant::<CustomersWrite>().await;
        // Eighty firms with long notes make the file a few sealed chunks long.
        let firms = (0..80).map(|i| (format!("Firm {i:02}"), "company"));
        let named = [
            ("=cmd|' /C calc'!A0".to_owned(), "company"),
            ("Ada".to_owned(), "person"),
        ];
        for (name, kind) in named.into_iter().chain(firms) {
            let form = CustomerForm {
                notes: "n".repeat(1_900),
                name,
                kind: kind.into(),
                tax_id: "TAX-1".into(),
                ..CustomerForm::default()
            };
            customers::create(&f.db, &clock, &write, &form)
                .await
                .unwrap();
        }
        let dir = tempfile::tempdir().unwrap();
        for storage in storages(dir.path(), Some(FileKey::from_base64(KEY).unwrap())) {
            let label = format!("{} on {}", t.backend().name(), storage.backend());
            let id = start(&f, &storage, &f.owner, &[("kind", "company")])
                .await
                .unwrap();
            let done = ended(&f, &f.owner, &id).await;
            assert_eq!(done.view.status, ExportStatus::Done, "{label}: {done:?}");
            assert_eq!(
                (
                    done.view.total_rows,
                    done.view.done_rows,
                    done.view.percent()
                ),
                (81, 81, 100),
                "{label}: the list's filter, counted first"
            );
            let object = done.object_name.clone().expect("a stored file");
            let file = storage.read(&object, done.sealed).await.unwrap();
            let streamed = export_text::<Customers>(&f, &f.owner, &[("kind", "company")])
                .await
                .unwrap();
            assert_eq!(
                &file[3..],
                streamed.as_bytes(),
                "{label}: the same file as the streamed export"
            );
            assert_eq!(done.view.size_bytes, Some(file.len() as u64), "{label}");
            let mut streamed_back = Vec::new();
            let mut chunks = storage.stream_all(&object, done.sealed).await.unwrap();
            while let Some(chunk) = chunks.next().await {
                streamed_back.extend_from_slice(&chunk.unwrap());
            }
            assert_eq!(
                streamed_back, file,
                "{label}: opened as it streams, the same file"
            );
            assert!(file.len() > 2 * 64 * 1024, "{label}: several sealed chunks");
            assert!(done.sealed, "{label}: sealed at rest with a key");
            let raw = storage.raw(&object).await.unwrap();
            assert!(
                !raw.windows(5).any(|w| w == b"TAX-1"),
                "{label}: the stored bytes are not the plain file"
            );
            assert_eq!(spooled_files(dir.path()), 0, "{label}: no spool file left");

            // Another member who may export customers does not reach it.
            let grace = f
                .add_member(
                    &format!("grace.{}@example.com", storage.backend()),
                    "Grace",
                    "Owner",
                )
                .await;
            let hers = f.grant_of::<CustomersExport>(&grace).await.unwrap();
            let found = runs::find(&f.db, &hers, ExportList::CUSTOMERS, &id, clock.now_ms()).await;
            assert!(matches!(found, Err(DomainError::NotFound)), "{label}");
            let cancelled = runs::cancel(&f.db, &hers, ExportList::CUSTOMERS, &id).await;
            assert!(matches!(cancelled, Err(DomainError::NotFound)), "{label}");
            // Under another list's name, not even its person.
            let own = f.grant::<CustomersExport>().await;
            let found = runs::find(&f.db, &own, ExportList::PRODUCTS, &id, clock.now_ms()).await;
            assert!(matches!(found, Err(DomainError::NotFound)), "{label}");

            // A week and a day later the next export tidies the file away; the record stays.
            clock.advance(Duration::from_secs(8 * 24 * 60 * 60));
            let next = start(&f, &storage, &f.owner, &[]).await.unwrap();
            let old = ended(&f, &f.owner, &id).await;
            assert_eq!(
                (old.object_name.as_deref(), old.view.size_bytes),
                (None, None),
                "{label}"
            );
            assert!(
                old.view.summary().contains("removed after a week"),
                "{label}"
            );
            assert!(
                storage.read(&object, true).await.is_err(),
                "{label}: gone from storage"
            );
            assert_eq!(
                ended(&f, &f.owner, &next).await.view.done_rows,
                82,
                "{label}"
            );
        }
        let recorded = t
            .rows_as_text(
                "SELECT status, row_count, filters, ip FROM data_exports \
                 WHERE status = 'done' ORDER BY started_at",
            )
            .await;
        assert!(
            recorded[0].contains("row_count=Some(81)")
                && recorded[0].contains("kind=company")
                && recorded[0].contains("203.0.113.9"),
            "{recorded:?}"
        );
    }
}

#[tokio::test]
async fn a_cancelled_export_keeps_no_file() {
    for t in backends().await {
        let label = t.backend().name();
        let f = Fixture::new(&t.db, &Clock::System).await;
        let write = f.grant::<CustomersWrite>().await;
        for i in 0..3 {
            let form = CustomerForm {
                name: format!("Customer {i}"),
                ..CustomerForm::default()
            };
            customers::create(&f.db, &f.clock, &write, &form)
                .await
                .unwrap();
        }
        let dir = tempfile::tempdir().unwrap();
        let storage = storages(dir.path(), None).remove(0);
        let id = start(&f, &storage, &f.owner, &[]).await.unwrap();
        // Asked before the run's first batch is saved (the test's runtime runs one task at a
        // time, and the run has not had a turn yet).
        background::stop_here(&id);
        let done = ended(&f, &f.owner, &id).await;
        assert_eq!(
            done.view.status,
            ExportStatus::Cancelled,
            "{label}: {done:?}"
        );
        assert_eq!(done.object_name, None, "{label}");
        assert!(done.view.summary().contains("No file was kept"), "{label}");
        assert_eq!(
            spooled_files(dir.path()),
            0,
            "{label}: the spool file went too"
        );
        assert!(
            walk(&dir.path().join("files")).is_empty(),
            "{label}: nothing in storage"
        );
        // Cancelling an ended export changes nothing.
        let own = f.grant::<CustomersExport>().await;
        runs::cancel(&f.db, &own, ExportList::CUSTOMERS, &id)
            .await
            .unwrap();
        assert_eq!(
            ended(&f, &f.owner, &id).await.view.status,
            ExportStatus::Cancelled
        );
    }
}

#[tokio::test]
async fn a_role_without_leave_to_export_starts_nothing() {
    for t in backends().await {
        let label = t.backend().name();
        let clock = Clock::System;
        let f = Fixture::new(&t.db, &clock).await;
        let grace = f.add_member("grace@example.com", "Grace", "Staff").await;
        let role = role_editor::create(
            &t.db,
            &clock,
            &f.grant::<RolesWrite>().await,
            &RoleDraft {
                name: "Key without leave".into(),
                permissions: vec!["customers.read".into(), "customers.export".into()],
                allow_export: false,
                ..RoleDraft::default()
            },
        )
        .await
        .unwrap();
        let team = f.grant::<TeamWrite>().await;
        assignments::assign(&t.db, &clock, &team, &grace, &role, "")
            .await
            .unwrap();
        let dir = tempfile::tempdir().unwrap();
        let storage = storages(dir.path(), None).remove(0);
        let refused = start(&f, &storage, &grace, &[]).await;
        assert!(
            matches!(refused, Err(DomainError::Forbidden)),
            "{label}: {refused:?}"
        );
        let bad = start(&f, &storage, &f.owner, &[("kind", "robot")]).await;
        assert!(
            matches!(bad, Err(DomainError::Invalid { field: "kind", .. })),
            "{label}: {bad:?}"
        );
        let recorded = t.rows_as_text("SELECT id FROM data_exports").await;
        assert!(
            recorded.is_empty(),
            "{label}: nothing on record: {recorded:?}"
        );
    }
}
