//! The customer export at 1,000,000 customers in one workspace: rows per second and how far the
//! process's resident memory rises while the whole file streams, for the Owner (every customer,
//! tax ids shown). The file is counted and thrown away as a client would write it to disk.
//! SQLite, and PostgreSQL with `GATEHOUSE_TEST_POSTGRES_URL` (read as an ordinary role).
//!
//! Run: `cargo run --release -p app --features ssr,test-support --example export_customers`

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};


use app::permissions::keys::{CustomersExport, CustomersRead, TeamWrite};
use app::server::access::grants;
use app::server::exports::customers::Customers;
use app::server::exports::kit::Address;
use app::server::exports::stream;
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
    }
}
