//! Scoped customer lists at 1,000,000 customers in one workspace: the first page and a deep
//! keyset page, for a Staff member (scope `assigned`, 100,000 of them are theirs), for the same
//! member with scope `team` (their team holds another 100,000), and for the Owner (scope `all`),
//! on SQLite and — with `GATEHOUSE_TEST_POSTGRES_URL` — PostgreSQL, where the lists are read
//! as an ordinary role so the row-level security policies are in force.
//!
//! Run: `cargo run --release -p app --features ssr,test-support --example scoped_list`
//! (add `GATEHOUSE_TEST_POSTGRES_URL=postgres://…/postgres` for PostgreSQL too).

use std::time::Instant;

use app::server::access::grants;
use app::server::platform::clock::Clock;
use app::server::platform::testing::{backends, Fixture};
use app::server::records::customers::{self, ListQuery};
use app::server::records::listing::ListParams;
use app::server::workspace::teams;

#[path = "support/fill.rs"]
mod fill;

const CUSTOMERS: usize = 1_000_000;
const RUNS: usize = 200;

/// Milliseconds per call: p50 and p95 over `RUNS` calls.
async fn measure<F, Fut>(mut call: F) -> (f64, f64)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    let mut times = Vec::with_capacity(RUNS);
    for _ in 0..RUNS {
        let start = Instant::now();
        call().await;
        times.push(start.elapsed().as_secs_f64() * 1000.0);
    }
    times.sort_by(f64::total_cmp);
    (times[RUNS / 2], times[RUNS * 95 / 100])
}

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
        let team = teams::create(
            &t.db,
            &clock,
            &f.grant::<app::permissions::keys::TeamWrite>().await,
            "Ops",
        )
        .await
        .unwrap();
        teams::add_member(
            &t.db,
            &clock,
            &f.grant::<app::permissions::keys::TeamWrite>().await,
            &team,
            &grace,
        )
        .await
        .unwrap();
        fill::customers(
            &t,
            CUSTOMERS,
            f.workspace.as_str(),
            f.owner.as_str(),
            grace.as_str(),
            team.as_str(),
        )
        .await;

        // `t.db` reads as a deployment does: on PostgreSQL an ordinary role, policies in force.
        let reader = t.db.clone();
        assert!(!reader.bypasses_row_security().await.unwrap());
        let staff = f.role("Staff").await;
        for (who, scope) in [("Staff", "assigned"), ("Staff", "team"), ("Owner", "all")] {
            if who == "Staff" {
                t.db_exec(&format!(
                    "UPDATE role_scopes SET scope = '{scope}' WHERE role_id = '{}' AND resource = 'customers'",
                    staff.as_str()
                ))
                .await;
            }
            let user = if who == "Staff" { &grace } else { &f.owner };
            let grant = grants::require::<app::permissions::keys::CustomersRead>(
                &t.db,
                &clock,
                user,
                &f.workspace,
            )
            .await
            .unwrap();
            let reachable = customers::count(&reader, &grant).await.unwrap();
            // A cursor nine tenths of the way through what this caller reaches.
            let mut query = ListQuery {
                list: ListParams {
                    limit: Some(200),
                    ..ListParams::default()
                },
                ..ListQuery::default()
            };
            let deep_at = reachable * 9 / 10;
            let mut seen = 0;
            while seen + 200 < deep_at {
                let page = customers::list(&reader, &grant, &query).await.unwrap();
                seen += page.items.len() as i64;
                query.list.after = page.next;
            }
            let deep = query.list.after.clone();
            let (first50, first95) = measure(|| async {
                let page = customers::list(&reader, &grant, &ListQuery::default())
                    .await
                    .unwrap();
                assert_eq!(page.items.len(), 50);
            })
            .await;
            let (deep50, deep95) = measure(|| async {
                let q = ListQuery {
                    list: ListParams {
                        after: deep.clone(),
                        ..ListParams::default()
                    },
                    ..ListQuery::default()
                };
                let page = customers::list(&reader, &grant, &q).await.unwrap();
                assert_eq!(page.items.len(), 50);
            })
            .await;
            println!(
                "{label:8} {who:5} scope {scope:8} reaches {reachable:>7}: first page p50 {first50:5.2} ms p95 {first95:5.2} ms; \
                 page at {deep_at:>6} p50 {deep50:5.2} ms p95 {deep95:5.2} ms"
            );
        }
    }
}
