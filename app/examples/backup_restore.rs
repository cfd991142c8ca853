//! `server backup` and `server restore` at scale: a workspace of 1,000,000 customers (the list
//! and export benchmarks' data set) and 200 stored files of 64 KiB, backed up as the command
//! does it, then restored into an empty database and file store, timed, with the rows and the
//! manifest's size printed. SQLite, and PostgreSQL with `GATEHOUSE_TEST_POSTGRES_URL` (its
//! `pg_dump` and `pg_restore` found on the PATH or in `GATEHOUSE_PG_BIN_DIR`).
//!
//! Run: `cargo run --release -p app --features ssr,test-support --example backup_restore`

use std::time::Instant;

use app::permissions::keys::TeamWrite;
use app::server::backups::nightly;
use app::server::backups::pg_tools::PgTools;
use app::server::backups::register::Trigger;
use app::server::backups::restore::restore;
use app::server::backups::snapshot::Source;
use app::server::platform::clock::Clock;
use app::server::platform::testing::{backends, disk_storage, Fixture};
use app::server::workspace::teams;

#[path = "support/fill.rs"]
mod fill;

const CUSTOMERS: usize = 1_000_000;
const FILES: usize = 200;
const FILE_BYTES: usize = 64 * 1024;

async fn customers(url: &str) -> i64 {
    let pool = sqlx::AnyPool::connect(url).await.unwrap();
    let n = sqlx::query_scalar("SELECT COUNT(*) FROM customers")
        .fetch_one(&pool)
        .await
        .unwrap();
    pool.close().await;
    n
}

#[tokio::main]
async fn main() {
    let tools = PgTools::new(std::env::var_os("GATEHOUSE_PG_BIN_DIR").map(Into::into));
    for t in backends().await {
        let label = t.backend().name();
        eprintln!("{label}:");
        let clock = Clock::System;
        let f = Fixture::new(&t.db, &clock).await;
        let grace = f
            .add_member("grace@example.com", "Grace Hopper", "Staff")
            .await;
        let write = f.grant::<TeamWrite>().await;
        let team = teams::create(&t.db, &clock, &write, "Ops").await.unwrap();
        fill::customers(
            &t,
            CUSTOMERS,
            f.workspace.as_str(),
            f.owner.as_str(),
            grace.as_str(),
            team.as_str(),
        )
        .await;
        let dir = tempfile::tempdir().unwrap();
        let storage = disk_storage(&dir.path().join("source"));
        for i in 0..FILES {
            let file = dir.path().join(format!("upload-{i}"));
            let bytes: Vec<u8> = (0..FILE_BYTES).map(|b| (b * 31 + i) as u8).collect();
            std::fs::write(&file, bytes).unwrap();
            storage
                .put_file(&format!("objects/{i:04}"), &file)
                .await
                .unwrap();
        }

        let source = Source {
            db: &t.admin,
            database_url: &t.admin_url,
            storage: &storage,
            pg_tools: &tools,
        };
        let started = Instant::now();
        let taken = nightly::back_up(
            &source,
            &dir.path().join("backups"),
            Trigger::Command,
            &clock,
        )
        .await
        .unwrap()
        .unwrap_or_else(|e| panic!("{label}: {e}"));
        let backup_s = started.elapsed().as_secs_f64();
        let size = taken.manifest.size();

        let target = t.empty_twin().await;
        let restored_files = disk_storage(&dir.path().join("restored"));
        let started = Instant::now();
        let restored = restore(&taken.dir, &target, &restored_files, &tools)
            .await
            .unwrap_or_else(|e| panic!("{label}: {e}"));
        let restore_s = started.elapsed().as_secs_f64();
        let back = customers(&target).await;
        assert_eq!(back, CUSTOMERS as i64, "{label}: every customer back");
        assert_eq!(restored.files, FILES, "{label}: every file back");
        eprintln!(
            "  backup {backup_s:.1} s, {:.1} MB ({} files); restore {restore_s:.1} s \
             ({back} customers, {} files back)",
            size as f64 / 1e6,
            taken.manifest.files().count(),
            restored.files
        );
    }
}
