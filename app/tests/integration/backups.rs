//! Backups against real SQLite and PostgreSQL (`pg_dump` / `pg_restore`): a snapshot of a live
//! workspace comes back whole into an empty deployment — rows, files and a chain that still
//! verifies — and is refused into one that is not empty, or when any part differs from its
//! manifest; each run lands in the register and the trail; the nightly slot is taken once
//! however many processes reach for it.

use std::path::Path;

use app::server::backups::nightly::{self, Nightly, Tick};
use app::server::backups::pg_tools::PgTools;
use app::server::backups::register::{self, Trigger};
use app::server::backups::restore::restore;
use app::server::backups::snapshot::Source;
use app::server::backups::BackupError;
use app::server::files::storage::Storage;
use app::server::platform::claims;
use app::server::platform::clock::Clock;
use app::server::platform::db::{Backend, Db};
use app::server::platform::testing::{backends, disk_storage, Fixture};

/// 2026-12-06 03:00 UTC.
const START: i64 = 1_796_526_000_000;

fn put(
    storage: &Storage,
    dir: &Path,
    name: &str,
    bytes: &[u8],
) -> impl std::future::Future<Output = ()> {
    let file = dir.join(format!("upload-{}", uuid::Uuid::new_v4()));
    std::fs::write(&file, bytes).unwrap();
    let (storage, name) = (storage.clone(), name.to_owned());
    async move { storage.put_file(&name, &file).await.unwrap() }
}

/// Rows in each of `tables`, read as the owner (a superuser in the test cluster, so the
/// row-level security policies do not hide them).
async fn counts(url: &str, tables: &[&str]) -> Vec<i64> {
    let pool = sqlx::AnyPool::connect(url).await.unwrap();
    let mut counts = Vec::new();
    for table in tables {
        let n: i64 = sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {table}"))
            .fetch_one(&pool)
            .await
            .unwrap();
        counts.push(n);
    }
    pool.close().await;
    counts
}

const TABLES: &[&str] = &[
    "workspaces",
    "users",
    "memberships",
    "roles",
    "audit_log",
    "backups",
];

#[tokio::test]
async fn a_snapshot_comes_back_whole_into_an_empty_deployment() {
    for t in backends().await {
        let label = t.backend().name();
        let clock = Clock::manual(START);
        let f = Fixture::new(&t.db, &clock).await;
        f.add_member("grace@example.com", "Grace Hopper", "Staff")
            .await;
        let dir = tempfile::tempdir().unwrap();
        let storage = disk_storage(&dir.path().join("source"));
        put(&storage, dir.path(), "objects/first", b"the first file").await;
        put(&storage, dir.path(), "objects/second", &vec![7u8; 300_000]).await;
        let tools = PgTools::default();
        let root = dir.path().join("backups");

        // The server's own role may not read past the row-level security policies, and a
        // backup by it says so rather than leaving an incomplete snapshot.
        if t.backend() == Backend::Postgres {
            let as_app = Source {
                db: &t.db,
                database_url: &t.url,
                storage: &storage,
                pg_tools: &tools,
            };
            let failed = nightly::back_up(&as_app, &root, Trigger::Command, &clock)
                .await
                .unwrap()
                .expect_err("the application role cannot dump policed tables");
            assert!(
                failed.to_string().contains("row-level security"),
                "{label}: {failed}"
            );
            assert_eq!(
                std::fs::read_dir(&root).unwrap().count(),
                0,
                "{label}: nothing left"
            );
        }

        let source = Source {
            db: &t.admin,
            database_url: &t.admin_url,
            storage: &storage,
            pg_tools: &tools,
        };
        let taken = nightly::back_up(&source, &root, Trigger::Command, &clock)
            .await
            .unwrap()
            .unwrap_or_else(|e| panic!("{label}: {e}"));
        assert_eq!(taken.manifest.files().count(), 2, "{label}");
        assert_eq!(taken.manifest.database, label);
        assert!(taken.dir.join("manifest.json").is_file());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&root).unwrap().permissions().mode();
            assert_eq!(
                mode & 0o777,
                0o700,
                "{label}: the backup directory is private"
            );
        }
        let grant = f.grant::<app::permissions::keys::AuditRead>().await;
        let register = register::list(&t.db, &grant).await.unwrap();
        let expected_failures = usize::from(t.backend() == Backend::Postgres);
        assert_eq!(
            register.len(),
            1 + expected_failures,
            "{label}: every run is registered"
        );
        assert!(register[0].done && !register[0].nightly, "{label}");
        assert_eq!(
            register[0].checksum.as_deref(),
            Some(taken.checksum.as_str())
        );
        assert_eq!(register[0].files, 2);
        let entries = t
            .strings("SELECT outcome FROM audit_log WHERE action = 'backup.taken' ORDER BY seq")
            .await;
        let mut expected = vec!["done"];
        if t.backend() == Backend::Postgres {
            expected.insert(0, "failed");
        }
        assert_eq!(entries, expected, "{label}: the trail has each run");

        // Into an empty database and storage: everything back, the chain intact.
        let target = t.empty_twin().await;
        let restored_files = disk_storage(&dir.path().join("restored"));
        let restored = restore(&taken.dir, &target, &restored_files, &tools)
            .await
            .unwrap_or_else(|e| panic!("{label}: {e}"));
        assert_eq!(restored.files, 2);
        let back = Db::connect(&target).await.unwrap();
        // The backup's own register row and trail entry were written after its snapshot.
        let mut before = counts(&t.admin_url, TABLES).await;
        before[4] -= 1;
        before[5] -= 1;
        assert_eq!(counts(&target, TABLES).await, before, "{label}: rows");
        let report = app::server::audit::verify::all(&back, None).await.unwrap();
        assert!(report.broken().is_empty(), "{label}: the chain verifies");
        assert_eq!(
            restored_files.raw("objects/first").await.unwrap().as_ref(),
            b"the first file"
        );
        assert_eq!(
            restored_files.raw("objects/second").await.unwrap().len(),
            300_000
        );
        back.close().await;

        // Not over what is there.
        let again = restore(
            &taken.dir,
            &target,
            &disk_storage(&dir.path().join("other")),
            &tools,
        )
        .await;
        assert!(
            matches!(again, Err(BackupError::NotEmpty(_))),
            "{label}: {again:?}"
        );
        let into_used_files =
            restore(&taken.dir, &t.empty_twin().await, &restored_files, &tools).await;
        assert!(
            matches!(into_used_files, Err(BackupError::NotEmpty(_))),
            "{label}: {into_used_files:?}"
        );
    }
}

#[tokio::test]
async fn a_snapshot_that_differs_from_its_manifest_is_refused_before_anything_is_written() {
    for t in backends().await {
        let label = t.backend().name();
        let clock = Clock::manual(START);
        Fixture::new(&t.db, &clock).await;
        let dir = tempfile::tempdir().unwrap();
        let storage = disk_storage(&dir.path().join("source"));
        put(&storage, dir.path(), "objects/kept", b"kept as it was").await;
        let tools = PgTools::default();
        let source = Source {
            db: &t.admin,
            database_url: &t.admin_url,
            storage: &storage,
            pg_tools: &tools,
        };
        let taken = nightly::back_up(
            &source,
            &dir.path().join("backups"),
            Trigger::Command,
            &clock,
        )
        .await
        .unwrap()
        .unwrap();
        let manifest_path = taken.dir.join("manifest.json");
        let manifest = std::fs::read_to_string(&manifest_path).unwrap();

        let try_restore = || async {
            let target = t.empty_twin().await;
            let files = disk_storage(&dir.path().join(format!("t-{}", uuid::Uuid::new_v4())));
            let outcome = restore(&taken.dir, &target, &files, &tools).await;
            (outcome, target, files)
        };
        let assert_untouched = |target: &str| {
            if let Some(file) = app::server::platform::db::sqlite_file(target) {
                assert!(!file.exists(), "{label}: no database was written");
            }
        };

        // A stored file changed by one byte.
        let object = taken.dir.join("files/objects/kept");
        std::fs::write(&object, b"kept as it wa5").unwrap();
        let (outcome, target, files) = try_restore().await;
        assert!(
            matches!(&outcome, Err(BackupError::Mismatch(m)) if m.contains("files/objects/kept")),
            "{label}: {outcome:?}"
        );
        assert_untouched(&target);
        assert!(files.names().await.unwrap().is_empty());
        std::fs::write(&object, b"kept as it was").unwrap();

        // The database missing.
        let database = taken.dir.join(&taken.manifest.parts[0].path);
        let moved = dir.path().join("moved-away");
        std::fs::rename(&database, &moved).unwrap();
        let (outcome, target, _) = try_restore().await;
        assert!(
            matches!(&outcome, Err(BackupError::Mismatch(m)) if m.contains("missing")),
            "{label}: {outcome:?}"
        );
        assert_untouched(&target);
        std::fs::rename(&moved, &database).unwrap();

        // A manifest that points outside the snapshot.
        std::fs::write(
            &manifest_path,
            manifest.replace("\"files/objects/kept\"", "\"files/../../../outside\""),
        )
        .unwrap();
        let (outcome, target, _) = try_restore().await;
        assert!(
            matches!(&outcome, Err(BackupError::Mismatch(m)) if m.contains("path")),
            "{label}: {outcome:?}"
        );
        assert_untouched(&target);

        // Into the other kind of database, or taken by a newer Gatehouse: refused before any
        // connection (the PostgreSQL URL names no server).
        let other = match t.backend() {
            Backend::Sqlite => "postgres://nobody@127.0.0.1:1/none".to_owned(),
            Backend::Postgres => format!("sqlite://{}", dir.path().join("never-made.db").display()),
        };
        std::fs::write(&manifest_path, &manifest).unwrap();
        let files = disk_storage(&dir.path().join("unused"));
        let outcome = restore(&taken.dir, &other, &files, &tools).await;
        assert!(
            matches!(&outcome, Err(BackupError::Refused(m)) if m.contains("database URL names")),
            "{label}: {outcome:?}"
        );
        assert!(!dir.path().join("never-made.db").exists());
        let newer = manifest.replacen("\"schema_version\": ", "\"schema_version\": 9", 1);
        assert_ne!(newer, manifest);
        std::fs::write(&manifest_path, newer).unwrap();
        let (outcome, target, _) = try_restore().await;
        assert!(
            matches!(&outcome, Err(BackupError::Refused(m)) if m.contains("newer Gatehouse")),
            "{label}: {outcome:?}"
        );
        assert_untouched(&target);

        // Restored as it was, it is accepted again.
        std::fs::write(&manifest_path, &manifest).unwrap();
        let (outcome, _, _) = try_restore().await;
        assert!(outcome.is_ok(), "{label}: {outcome:?}");
    }
}

#[tokio::test]
async fn the_nightly_slot_is_taken_once_across_processes() {
    for t in backends().await {
        let label = t.backend().name();
        // Two processes: two independent pools on one database race for the same slot.
        let (one, two) = (t.reopen().await, t.reopen().await);
        let claims = futures::future::join_all((0..8).map(|i| {
            let db = if i % 2 == 0 { one.clone() } else { two.clone() };
            async move {
                claims::claim(&db, "test.job", "2026-12-06", &format!("p{i}"), START)
                    .await
                    .unwrap()
            }
        }))
        .await;
        assert_eq!(
            claims.iter().filter(|won| **won).count(),
            1,
            "{label}: {claims:?}"
        );

        let clock = Clock::manual(START);
        let f = Fixture::new(&t.db, &clock).await;
        let dir = tempfile::tempdir().unwrap();
        let storage = disk_storage(&dir.path().join("source"));
        let tools = PgTools::default();
        let root = dir.path().join("backups");
        let schedule = Nightly::parse("02:30", 2).unwrap();
        let early = Nightly::parse("04:00", 2).unwrap();
        let first = Source {
            db: &one,
            database_url: &t.admin_url,
            storage: &storage,
            pg_tools: &tools,
        };
        let second = Source {
            db: &two,
            database_url: &t.admin_url,
            storage: &storage,
            pg_tools: &tools,
        };
        let tick = nightly::tick(&first, &root, &early, "one", &clock)
            .await
            .unwrap();
        assert!(matches!(tick, Tick::Nothing), "{label}: not yet 04:00");
        let tick = nightly::tick(&first, &root, &schedule, "one", &clock)
            .await
            .unwrap();
        assert!(
            matches!(tick, Tick::Ran { taken: Ok(_), .. }),
            "{label}: {tick:?}"
        );
        let tick = nightly::tick(&second, &root, &schedule, "two", &clock)
            .await
            .unwrap();
        assert!(matches!(tick, Tick::Nothing), "{label}: the day was taken");
        assert_eq!(
            claims::holder(&one, nightly::JOB, "2026-12-06")
                .await
                .unwrap()
                .as_deref(),
            Some("one")
        );
        // Three nights on, two snapshots are kept.
        for _ in 0..3 {
            clock.advance(std::time::Duration::from_secs(86_400));
            let tick = nightly::tick(&second, &root, &schedule, "two", &clock)
                .await
                .unwrap();
            assert!(
                matches!(tick, Tick::Ran { taken: Ok(_), .. }),
                "{label}: {tick:?}"
            );
        }
        assert_eq!(std::fs::read_dir(&root).unwrap().count(), 2, "{label}");
        let grant = f.grant::<app::permissions::keys::AuditRead>().await;
        let nightly_runs = register::list(&t.db, &grant)
            .await
            .unwrap()
            .iter()
            .filter(|r| r.nightly)
            .count();
        assert_eq!(nightly_runs, 4, "{label}");
    }
}
