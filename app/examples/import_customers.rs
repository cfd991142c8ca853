//! The customer import at its largest, 100,000 rows, on each database: the time from the
//! uploaded file to its mapping page (the file read and previewed), then each way of running it
//! — "import the valid rows" (a transaction per batch) and "import nothing unless every row is
//! valid" (one transaction) — timed from "Start import" to done, as rows per second, with how
//! far resident memory rose. Every row is checked, tagged and written as the browser's import
//! does it. SQLite, and PostgreSQL with `GATEHOUSE_TEST_POSTGRES_URL`.
//!
//! Run: `cargo run --release -p app --features ssr,test-support --example import_customers`

use std::time::{Duration, Instant};

use bytes::Bytes;

use app::model::{ImportId, ImportPlan, ImportStatus, OnDuplicate, OnRefusal};
use app::permissions::keys::CustomersImport;
use app::server::files::spool;
use app::server::files::storage::Storage;
use app::server::imports;
use app::server::platform::clock::Clock;
use app::server::platform::testing::{backends, disk_storage, Fixture};
use app::server::records::customers::import::CustomerImport;

#[path = "support/memory.rs"]
mod memory;
use memory::rss;

const ROWS: usize = 100_000;

/// A file of `ROWS` customers whose emails start with `prefix`, so two files do not collide.
fn file(prefix: &str) -> Vec<u8> {
    let mut out = String::from("Name,Email,Phone,Kind,Tags,Notes\n");
    for i in 0..ROWS {
        out.push_str(&format!(
            "{prefix} customer {i},{prefix}{i}@example.com,+44 20 7946 {:04},company,imported; {},\
             Met at the fair in {}\n",
            i % 10_000,
            ["north", "south", "east", "west"][i % 4],
            2000 + i % 26,
        ));
    }
    out.into_bytes()
}

async fn run(f: &Fixture, storage: &Storage, prefix: &str, on_refusal: OnRefusal) {
    let grant = f.grant::<CustomersImport>().await;
    let bytes = file(prefix);
    let size = bytes.len();
    let started = Instant::now();
    let body = futures::stream::iter([Ok::<_, std::io::Error>(Bytes::from(bytes))]);
    let spooled = spool::spool(storage.spool_dir(), body, 20 << 20)
        .await
        .unwrap();
    let id: ImportId = imports::receive::<CustomerImport>(
        &f.db,
        &f.clock,
        storage,
        &grant.bulk().unwrap(),
        "customers.csv",
        spooled,
    )
    .await
    .unwrap();
    let view = imports::view::<CustomerImport>(&f.db, &grant, &id)
        .await
        .unwrap();
    let received = started.elapsed();
    let plan = ImportPlan {
        columns: view
            .fields
            .iter()
            .filter_map(|f| f.guess.map(|g| (f.key.clone(), g)))
            .collect(),
        on_refusal,
        on_duplicate: OnDuplicate::Refuse,
        team_id: String::new(),
    };
    let before = rss();
    let mut peak = before;
    let started = Instant::now();
    imports::start::<CustomerImport>(&f.db, &f.clock, storage, grant, None, &id, plan)
        .await
        .unwrap();
    let grant = f.grant::<CustomersImport>().await;
    let view = loop {
        let view = imports::view::<CustomerImport>(&f.db, &grant, &id)
            .await
            .unwrap();
        peak = peak.max(rss());
        if view.status.finished() {
            break view;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    let took = started.elapsed();
    assert_eq!(view.status, ImportStatus::Done, "{:?}", view.message);
    assert_eq!(view.created_rows as usize, ROWS);
    eprintln!(
        "  {on_refusal:?}: {ROWS} rows ({:.1} MB): received and previewed in {:.2} s; \
         imported in {:.1} s = {:.0} rows/s; RSS +{:.1} MB",
        size as f64 / 1e6,
        received.as_secs_f64(),
        took.as_secs_f64(),
        ROWS as f64 / took.as_secs_f64(),
        peak.saturating_sub(before) as f64 / 1e6,
    );
}

#[tokio::main]
async fn main() {
    for t in backends().await {
        eprintln!("{}:", t.backend().name());
        let clock = Clock::System;
        let f = Fixture::new(&t.db, &clock).await;
        let dir = tempfile::tempdir().unwrap();
        let storage = disk_storage(dir.path());
        run(&f, &storage, "valid", OnRefusal::ImportValid).await;
        run(&f, &storage, "whole", OnRefusal::ImportNothing).await;
    }
}
