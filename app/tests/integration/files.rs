//! Files against real SQLite and PostgreSQL and both storage back ends (a private directory and
//! the S3-compatible server the test command starts), sealed and not: what is uploaded comes
//! back byte for byte, sealed bytes at rest differ from the upload, a refused upload leaves
//! nothing anywhere, and a file is reached only through its record — out of scope or in
//! another workspace it is not found.

use bytes::Bytes;

use app::model::{CustomerId, FileId};
use app::permissions::keys::{CustomersRead, CustomersWrite};
use app::server::access::grants;
use app::server::files::attachments::{self, FileError, OnCustomer};
use app::server::files::sealing::FileKey;
use app::server::files::spool::{self, Spooled};
use app::server::files::storage::Storage;
use app::server::identity::accounts::{self, SignUp};
use app::server::identity::passwords::Password;
use app::server::platform::clock::Clock;
use app::server::platform::error::DomainError;
use app::server::platform::testing::{backends, storages, Fixture, FIXTURE_PASSWORD};
use app::server::records::customers::{self, CustomerForm};

const KEY: &str = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=";

/// A PDF of `len` bytes whose content varies, so a sealed copy cannot contain it by chance.
fn pdf(len: usize) -> Vec<u8> {
    let mut bytes = b"%PDF-1.7\n".to_vec();
    bytes.extend((0..len.saturating_sub(bytes.len())).map(|i| (i * 7 % 251) as u8));
    bytes
}

async fn spooled(storage: &Storage, bytes: &[u8]) -> Spooled {
    let chunks: Vec<Result<Bytes, std::io::Error>> = bytes
        .chunks(100_000)
        .map(|c| Ok(Bytes::copy_from_slice(c)))
        .collect();
    spool::spool(
        storage.spool_dir(),
        futures::stream::iter(chunks),
        10 * 1024 * 1024,
    )
    .await
    .unwrap()
}

async fn customer(f: &Fixture, name: &str) -> CustomerId {
    let write = f.grant::<CustomersWrite>().await;
    let form = CustomerForm {
        name: name.into(),
        ..CustomerForm::default()
    };
    customers::create(&f.db, &f.clock, &write, &form)
        .await
        .unwrap()
        .id
}

fn spool_is_empty(storage: &Storage) -> bool {
    std::fs::read_dir(storage.spool_dir()).unwrap().count() == 0
}

#[tokio::test]
async fn an_attachment_round_trips_on_every_database_and_store_sealed_or_not() {
    for t in backends().await {
        let clock = Clock::manual(1_795_478_400_000);
        let f = Fixture::new(&t.db, &clock).await;
        let id = customer(&f, "Analytical Engines Ltd").await;
        let (write, read) = (
            f.grant::<CustomersWrite>().await,
            f.grant::<CustomersRead>().await,
        );
        // Serving a request from 203.0.113.9, as the download route's caller does.
        let held = grants::held(&f.db, &clock, &f.owner, &f.workspace)
            .await
            .unwrap()
            .serving(
                app::server::audit::append::Origin::new(Some("203.0.113.9".into()), Some("test")),
                app::server::access::refusals::Refusals::default(),
            );
        let dir = tempfile::tempdir().unwrap();
        for key in [None, Some(FileKey::from_base64(KEY).unwrap())] {
            for storage in storages(dir.path(), key.clone()) {
                let label = format!(
                    "{} / {} / sealed {}",
                    t.backend().name(),
                    storage.backend(),
                    storage.seals()
                );
                let body = pdf(300_000);
                let upload = spooled(&storage, &body).await;
                let added = attachments::attach::<OnCustomer>(
                    &f.db,
                    &clock,
                    &storage,
                    &write,
                    id.as_str(),
                    "Offer 2026.pdf",
                    upload,
                )
                .await
                .unwrap();
                assert!(spool_is_empty(&storage), "{label}: the spool file is gone");
                let listed = attachments::list::<OnCustomer>(&f.db, &read, id.as_str())
                    .await
                    .unwrap();
                assert_eq!(listed[0].id, added.id, "{label}");
                assert_eq!(listed[0].name, "Offer 2026.pdf");
                assert_eq!(listed[0].size, body.len() as u64);
                assert_eq!(listed[0].uploaded_by_name, "Ada Lovelace");

                let found = attachments::find(&f.db, &held, &added.id).await.unwrap();
                let back = found.read_all(&storage).await.unwrap();
                assert!(
                    back.as_ref() == body.as_slice(),
                    "{label}: the download is byte-identical"
                );
                let object = t
                    .strings(&format!(
                        "SELECT object_key FROM files WHERE id = '{}'",
                        added.id
                    ))
                    .await
                    .remove(0);
                let at_rest = storage.raw(&object).await.unwrap();
                if storage.seals() {
                    assert!(at_rest.as_ref() != body.as_slice(), "{label}");
                    assert!(
                        !at_rest.windows(64).any(|w| w == &body[100..164]),
                        "{label}: no plaintext run survives sealing"
                    );
                } else {
                    assert!(at_rest.as_ref() == body.as_slice(), "{label}");
                }

                attachments::record_download(&f.db, &clock, &held, &found, Some("bytes=0-9"))
                    .await
                    .unwrap();
                let logged = t
                    .rows_as_text(&format!(
                        "SELECT user_id, ip, range_asked, file_name FROM file_downloads \
                         WHERE file_id = '{}'",
                        added.id
                    ))
                    .await;
                assert_eq!(logged.len(), 1, "{label}: {logged:?}");
                assert!(logged[0].contains("203.0.113.9") && logged[0].contains("Offer 2026.pdf"));

                let removals = format!(
                    "SELECT before_state FROM audit_log \
                     WHERE action = 'customer.file_removed' AND target = '{}'",
                    id.as_str()
                );
                let earlier = t.strings(&removals).await.len();
                attachments::remove::<OnCustomer>(
                    &f.db,
                    &f.clock,
                    &storage,
                    &write,
                    id.as_str(),
                    &added.id,
                )
                .await
                .unwrap();
                let removed = t.strings(&removals).await;
                assert_eq!(removed.len(), earlier + 1, "{label}: the history names it");
                assert!(
                    removed.iter().all(|r| r.contains("Offer 2026.pdf")),
                    "{label}: {removed:?}"
                );
                assert!(
                    storage.raw(&object).await.is_err(),
                    "{label}: the bytes went too"
                );
                assert!(matches!(
                    attachments::find(&f.db, &held, &added.id).await,
                    Err(DomainError::NotFound)
                ));
            }
        }
    }
}

#[tokio::test]
async fn a_refused_upload_leaves_nothing_in_the_database_or_the_store() {
    for t in backends().await {
        let clock = Clock::manual(1_795_478_400_000);
        let f = Fixture::new(&t.db, &clock).await;
        let id = customer(&f, "Analytical Engines Ltd").await;
        let write = f.grant::<CustomersWrite>().await;
        let dir = tempfile::tempdir().unwrap();
        for storage in storages(dir.path(), None) {
            let label = format!("{} / {}", t.backend().name(), storage.backend());
            let elf = b"\x7fELF\x02\x01\x01\0\0\0\0\0\0\0\0\0\x02\0\x3e\0".to_vec();
            for (bytes, name) in [
                (elf, "invoice.pdf"),
                (pdf(100), "../../etc/cron.d/x.pdf"),
                (pdf(100), "report\u{202E}fdp.exe"),
                (pdf(100), &format!("{}.pdf", "n".repeat(300))),
                (pdf(100), "notes.txt"),
            ] {
                let upload = spooled(&storage, &bytes).await;
                let refused = attachments::attach::<OnCustomer>(
                    &f.db,
                    &clock,
                    &storage,
                    &write,
                    id.as_str(),
                    name,
                    upload,
                )
                .await;
                assert!(
                    matches!(refused, Err(FileError::Refused { .. })),
                    "{label}: {name}"
                );
                assert!(spool_is_empty(&storage), "{label}: {name}");
            }
            let files_dir = dir.path().join("files");
            let on_disk = walk(&files_dir);
            assert!(on_disk.is_empty(), "{label}: {on_disk:?}");
        }
        assert_eq!(t.row_counts(&["files"]).await[0].1, 0);
    }
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    entries
        .flatten()
        .flat_map(|e| {
            if e.path().is_dir() {
                walk(&e.path())
            } else {
                vec![e.path()]
            }
        })
        .collect()
}

#[tokio::test]
async fn a_file_is_reached_only_through_its_record() {
    for t in backends().await {
        let clock = Clock::manual(1_795_478_400_000);
        let f = Fixture::new(&t.db, &clock).await;
        let id = customer(&f, "Owner's own customer").await;
        let write = f.grant::<CustomersWrite>().await;
        let dir = tempfile::tempdir().unwrap();
        let storage = storages(dir.path(), None).remove(0);
        let upload = spooled(&storage, &pdf(1000)).await;
        let file = attachments::attach::<OnCustomer>(
            &f.db,
            &clock,
            &storage,
            &write,
            id.as_str(),
            "contract.pdf",
            upload,
        )
        .await
        .unwrap();

        // A Staff member sees assigned customers only: not this one, nor its file.
        let staff = f.add_member("sam@example.com", "Sam Staff", "Staff").await;
        let held = grants::held(&f.db, &clock, &staff, &f.workspace)
            .await
            .unwrap();
        assert!(matches!(
            attachments::find(&f.db, &held, &file.id).await,
            Err(DomainError::NotFound)
        ));
        let staff_read = f.grant_of::<CustomersRead>(&staff).await.unwrap();
        assert!(matches!(
            attachments::list::<OnCustomer>(&f.db, &staff_read, id.as_str()).await,
            Err(DomainError::NotFound)
        ));

        // Another workspace's owner: the id answers as if it did not exist, and attaching to
        // this workspace's customer finds no customer.
        let other = accounts::sign_up(
            &f.db,
            &clock,
            &f.hasher,
            SignUp {
                email: "grace@example.com".into(),
                name: "Grace Hopper".into(),
                password: Password::new(FIXTURE_PASSWORD),
                workspace_name: "Compilers".into(),
            },
        )
        .await
        .unwrap();
        let theirs = grants::held(&f.db, &clock, &other.user_id, &other.workspace.id)
            .await
            .unwrap();
        assert!(matches!(
            attachments::find(&f.db, &theirs, &file.id).await,
            Err(DomainError::NotFound)
        ));
        let their_write =
            grants::require::<CustomersWrite>(&f.db, &clock, &other.user_id, &other.workspace.id)
                .await
                .unwrap();
        let upload = spooled(&storage, &pdf(1000)).await;
        let refused = attachments::attach::<OnCustomer>(
            &f.db,
            &clock,
            &storage,
            &their_write,
            id.as_str(),
            "planted.pdf",
            upload,
        )
        .await;
        assert!(matches!(
            refused,
            Err(FileError::Domain(DomainError::NotFound))
        ));
        assert_eq!(
            t.row_counts(&["files"]).await[0].1,
            1,
            "{}",
            t.backend().name()
        );
        let unknown = FileId::from_client("01890000-0000-7000-8000-000000000000").unwrap();
        assert!(matches!(
            attachments::find(&f.db, &theirs, &unknown).await,
            Err(DomainError::NotFound)
        ));
    }
}

#[tokio::test]
async fn a_files_bytes_go_when_its_record_goes() {
    use app::permissions::keys::CustomersDelete;
    use app::server::files::garbage;
    for t in backends().await {
        let clock = Clock::manual(1_795_478_400_000);
        let f = Fixture::new(&t.db, &clock).await;
        let write = f.grant::<CustomersWrite>().await;
        let delete = f.grant::<CustomersDelete>().await;
        let dir = tempfile::tempdir().unwrap();
        for storage in storages(dir.path(), None) {
            let label = format!("{} / {}", t.backend().name(), storage.backend());
            let id = customer(&f, "Short-lived Ltd").await;
            let upload = spooled(&storage, &pdf(5000)).await;
            attachments::attach::<OnCustomer>(
                &f.db,
                &clock,
                &storage,
                &write,
                id.as_str(),
                "kept.pdf",
                upload,
            )
            .await
            .unwrap();
            let object = t.strings("SELECT object_key FROM files").await.remove(0);
            customers::delete(&f.db, &clock, &delete, &id, None)
                .await
                .unwrap();
            assert_eq!(
                t.row_counts(&["files"]).await[0].1,
                0,
                "{label}: the row went with it"
            );
            assert!(
                storage.raw(&object).await.is_ok(),
                "{label}: queued, not yet swept"
            );
            assert_eq!(garbage::sweep(&f.db, &storage).await.unwrap(), 1, "{label}");
            assert!(
                storage.raw(&object).await.is_err(),
                "{label}: the bytes are gone"
            );
            assert_eq!(t.row_counts(&["orphaned_objects"]).await[0].1, 0, "{label}");
        }
    }
}
