//! The customer export at 1,000,000 customers in one workspace: rows per second and how far the
//! process's resident memory rises while the whole file streams, for the Owner (every customer,
//! tax ids shown). The file is counted and thrown away as a client would write it to disk.
//! Then the same export in the background, as the list page starts it: counted, written to a
//! spool file and stored in a private directory, to the end of its run.
//! SQLite, and PostgreSQL with `GATEHOUSE_TEST_POSTGRES_URL` (read as an ordinary role).
//!
//! Run: `cargo run --release -p app --features ssr,test-support --example export_customers`

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use app::model::{ExportList, ExportStatus};
use app::permissions::keys::{CustomersExport, CustomersRead, TeamWrite};
use app::server::access::grants;
use app::server::exports::customers::Customers;
use app::server::exports::kit::Address;
use app::server::exports::{background, runs, stream};
use app::server::platform::clock::Clock;
use app::server::platform::testing::{backends, Fixture};
use app::server::workspace::teams;

#[path = "support/fill.rs"]
mod fill;

#[path = "support/memory.rs"]
mod memory;
use memory::rss;

const CUSTOMERS: usize = 1_000_000;

#[tokio::main]
async fn main() {
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

        let address = Address::default();
        let asked = stream::Request::<Customers> {
            read: grants::require::<CustomersRead>(&t.db, &clock, &f.owner, &f.workspace)
                .await
                .unwrap(),
            export: grants::require::<CustomersExport>(&t.db, &clock, &f.owner, &f.workspace)
                .await
                .unwrap(),
            address: &address,
            raw: "",
            ip: None,
            background: false,
        };

        let before = rss();
        let peak = Arc::new(AtomicU64::new(before));
        let sampler = {
            let peak = peak.clone();
            tokio::spawn(async move {
                loop {
                    peak.fetch_max(rss(), Ordering::Relaxed);
                    tokio::time::sleep(Duration::from_millis(5)).await;
                }
            })
        };
        let started = Instant::now();
        let mut walk = stream::start::<Customers>(&t.db, &clock, asked)
            .await
            .unwrap();
        let (mut bytes, mut lines) = (0u64, 0u64);
        while let Some(chunk) = walk.next().await {
            let chunk = chunk.unwrap();
            bytes += chunk.len() as u64;
            lines += chunk.iter().filter(|b| **b == b'\n').count() as u64;
        }
        let secs = started.elapsed().as_secs_f64();
        sampler.abort();
        let rows = lines - 1;
        assert_eq!(rows, CUSTOMERS as u64, "{label}: every customer exported");
        let growth = peak.load(Ordering::Relaxed).saturating_sub(before);
        println!(
            "{label:8} export of {rows} customers: {secs:.1} s, {:.0} rows/s, {:.0} MB of CSV; \
             RSS {:.0} MB before, peak growth {:.1} MB",
            rows as f64 / secs,
            bytes as f64 / 1e6,
            before as f64 / 1e6,
            growth as f64 / 1e6
        );

        let dir = tempfile::tempdir().unwrap();
        let storage = app::server::platform::testing::disk_storage(dir.path());
        let asked = stream::Request::<Customers> {
            read: f.grant::<CustomersRead>().await,
            export: f.grant::<CustomersExport>().await,
            address: &address,
            raw: "",
            ip: None,
            background: true,
        };
        let before = rss();
        peak.store(before, Ordering::Relaxed);
        let sampler = {
            let peak = peak.clone();
            tokio::spawn(async move {
                loop {
                    peak.fetch_max(rss(), Ordering::Relaxed);
                    tokio::time::sleep(Duration::from_millis(5)).await;
                }
            })
        };
        let started = Instant::now();
        let id = background::start::<Customers>(&t.db, &clock, &storage, asked)
            .await
            .unwrap();
        let counted = started.elapsed().as_secs_f64();
        let export = f.grant::<CustomersExport>().await;
        let done = loop {
            let found = runs::find(&t.db, &export, ExportList::CUSTOMERS, &id, clock.now_ms())
                .await
                .unwrap();
            if found.view.status != ExportStatus::Running {
                break found;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        };
        let secs = started.elapsed().as_secs_f64();
        sampler.abort();
        assert_eq!(done.view.status, ExportStatus::Done, "{label}: {done:?}");
        assert_eq!(done.view.done_rows, CUSTOMERS as u64, "{label}");
        let growth = peak.load(Ordering::Relaxed).saturating_sub(before);
        println!(
            "{label:8} background export of {} customers: {secs:.1} s (started, counted, in \
             {counted:.1} s), {:.0} rows/s, {:.0} MB stored; RSS peak growth {:.1} MB",
            done.view.done_rows,
            done.view.done_rows as f64 / secs,
            done.view.size_bytes.unwrap_or_default() as f64 / 1e6,
            growth as f64 / 1e6
        );
    }
}
