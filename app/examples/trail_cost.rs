//! What the trail costs a record write: customers created one after another as the app creates
//! them (validation, the row, its history entry in the same transaction), then the trail entry's
//! own share — a write transaction touching one row with an append, less the same transaction
//! without it (both pay the commit's flush, which the record write pays anyway). The write
//! without its entry is the first less that share; the slowdown is the entry's part.
//! SQLite, and PostgreSQL with `GATEHOUSE_TEST_POSTGRES_URL`.
//!
//! Run: `cargo run --release -p app --features ssr,test-support --example trail_cost`

use std::time::{Duration, Instant};

use app::permissions::keys::CustomersWrite;
use app::server::audit::append::{append, Actor, Event, Outcome};
use app::server::platform::clock::Clock;
use app::server::platform::testing::{backends, Fixture};
use app::server::records::customers::{self, CustomerForm};

const WRITES: usize = 2_000;
const WARM_UP: usize = 100;

/// One row written, so the transaction commits (and flushes) as a record write's does.
async fn touch(conn: &mut sqlx::AnyConnection, workspace: &app::model::WorkspaceId) {
    sqlx::query("UPDATE workspaces SET name = name WHERE id = $1")
        .bind(workspace.as_str())
        .execute(&mut *conn)
        .await
        .unwrap();
}

fn per_op(total: Duration, n: usize) -> f64 {
    total.as_secs_f64() * 1e6 / n as f64
}

#[tokio::main]
async fn main() {
    for t in backends().await {
        let label = t.backend().name();
        let clock = Clock::System;
        let f = Fixture::new(&t.db, &clock).await;
        let write = f.grant::<CustomersWrite>().await;
        let form = |i: usize| CustomerForm {
            name: format!("Customer {i:07}"),
            email: format!("buyer{i}@example.com"),
            company: "Babbage & Co".into(),
            notes: "Met at the trade fair; wants a quote for twelve seats.".into(),
            ..CustomerForm::default()
        };
        for i in 0..WARM_UP {
            customers::create(&t.db, &clock, &write, &form(i))
                .await
                .unwrap();
        }

        let started = Instant::now();
        for i in WARM_UP..WARM_UP + WRITES {
            customers::create(&t.db, &clock, &write, &form(i))
                .await
                .unwrap();
        }
        let with_trail = per_op(started.elapsed(), WRITES);

        // An entry like a creation's: the new record's fields as its after state.
        let after = serde_json::json!({
            "name": "Customer 0000001", "email": "buyer1@example.com",
            "company": "Babbage & Co", "kind": "company",
            "notes": "Met at the trade fair; wants a quote for twelve seats.",
        })
        .to_string();
        let started = Instant::now();
        for i in 0..WRITES {
            let mut tx = write.begin(&t.db, true).await.unwrap();
            touch(&mut tx, &f.workspace).await;
            let target = format!("{i:036}");
            let event = Event {
                actor: Actor::Person(&f.owner),
                action: "customer.create",
                target: &target,
                outcome: Outcome::Done,
                reason: None,
                before: None,
                after: Some(after.clone()),
                origin: None,
                count: 1,
                at_ms: clock.now_ms(),
            };
            append(&mut tx, &f.workspace, event).await.unwrap();
            tx.commit().await.unwrap();
        }
        let entry_alone = per_op(started.elapsed(), WRITES);

        let started = Instant::now();
        for _ in 0..WRITES {
            let mut tx = write.begin(&t.db, true).await.unwrap();
            touch(&mut tx, &f.workspace).await;
            tx.commit().await.unwrap();
        }
        let empty = per_op(started.elapsed(), WRITES);

        let entry = entry_alone - empty;
        let without_trail = with_trail - entry;
        eprintln!(
            "{label}: a customer created in {with_trail:.0} µs ({:.0}/s); its trail entry \
             {entry:.0} µs (a one-row write transaction {empty:.0} µs, with an entry \
             {entry_alone:.0} µs); without the entry {without_trail:.0} µs ({:.0}/s): the trail makes \
             record writes {:.1} % slower",
            1e6 / with_trail,
            1e6 / without_trail,
            (with_trail / without_trail - 1.0) * 100.0
        );
    }
}
