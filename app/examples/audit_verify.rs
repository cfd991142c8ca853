//! `server audit verify` at scale: 1,000,000 entries on one workspace's chain, each with a
//! before and after state the size of a record edit's, and a signed checkpoint at the head.
//! Measures the verification over the database, and the export of the whole trail with its
//! offline verification against the public key alone; then the audit viewer's newest page under
//! each of its filters. SQLite, and PostgreSQL with
//! `GATEHOUSE_TEST_POSTGRES_URL`.
//!
//! Run: `cargo run --release -p app --features ssr,test-support --example audit_verify`

use std::time::Instant;

use app::model::AuditFilter;
use app::permissions::keys::AuditRead;
use app::server::access::audit;
use app::server::audit::chain::{self, Content, GENESIS};
use app::server::audit::selection::Selection;
use app::server::audit::signing::AuditKey;
use app::server::audit::{checkpoints, export, offline, verify};
use app::server::platform::clock::Clock;
use app::server::platform::testing::{backends, Fixture, TestDb};

const ENTRIES: i64 = 1_000_000;
const BATCH: i64 = 500;

/// Appends `ENTRIES` chained entries after the workspace's head, as the app would write them.
async fn fill(t: &TestDb, ws: &str, actor: &str) {
    let started = Instant::now();
    let row = t
        .strings(&format!(
            "SELECT CAST(seq AS TEXT) || ' ' || entry_hash FROM audit_heads WHERE workspace_id = '{ws}'"
        ))
        .await;
    let (mut seq, mut prev) = match row.first() {
        Some(text) => {
            let (seq, hash) = text.split_once(' ').unwrap();
            (seq.parse::<i64>().unwrap(), hash.to_owned())
        }
        None => (0, GENESIS.to_owned()),
    };
    let start = seq;
    while seq < start + ENTRIES {
        let mut values = Vec::with_capacity(BATCH as usize);
        for _ in 0..BATCH {
            seq += 1;
            let id = format!("00000000-0000-7000-8000-{seq:012}");
            let target = format!("{:036}", seq % 50_000);
            let before = format!(
                "{{\"name\":\"Customer {}\",\"email\":\"buyer{seq}@example.com\",\"version\":{}}}",
                seq % 50_000,
                seq / 50_000
            );
            let after = before.replace("example.com", "example.org");
            let at = 1_700_000_000_000 + seq;
            let action = if seq % 10 == 0 {
                "order.update"
            } else {
                "customer.update"
            };
            let content = Content {
                workspace: ws,
                seq,
                id: &id,
                actor: Some(actor),
                action,
                target: &target,
                before: Some(&before),
                after: Some(&after),
                at_ms: at,
                detail: None,
            };
            let hash = chain::hash(&prev, &content);
            values.push(format!(
                "('{id}', '{ws}', '{actor}', '{action}', '{target}', '{before}', \
                 '{after}', {at}, {seq}, '{actor}', '{prev}', '{hash}')"
            ));
            prev = hash;
        }
        t.db_exec(&format!(
            "INSERT INTO audit_log (id, workspace_id, actor_id, action, target, before_state, \
             after_state, created_at, seq, actor_ref, prev_hash, entry_hash) VALUES {}",
            values.join(", ")
        ))
        .await;
    }
    t.db_exec(&format!(
        "INSERT INTO audit_heads (workspace_id, seq, entry_hash) VALUES ('{ws}', {seq}, '{prev}') \
         ON CONFLICT (workspace_id) DO UPDATE SET seq = {seq}, entry_hash = '{prev}'"
    ))
    .await;
    t.db_exec("ANALYZE").await;
    eprintln!(
        "  filled {ENTRIES} entries in {:.0} s",
        started.elapsed().as_secs_f64()
    );
}

/// The viewer's newest page under each filter, 50 times: p50 and p95.
async fn viewer(t: &TestDb, f: &Fixture) {
    let read = f.grant::<AuditRead>().await;
    let filters = [
        ("no filter", AuditFilter::default()),
        (
            "person",
            AuditFilter {
                actor: f.owner.as_str().into(),
                ..AuditFilter::default()
            },
        ),
        (
            "family order. (1 in 10)",
            AuditFilter {
                action: "order.".into(),
                ..AuditFilter::default()
            },
        ),
        (
            "target (20 entries)",
            AuditFilter {
                target: format!("{:036}", 4_242),
                ..AuditFilter::default()
            },
        ),
        (
            "one day",
            AuditFilter {
                from: "2023-11-14".into(),
                until: "2023-11-14".into(),
                ..AuditFilter::default()
            },
        ),
        (
            "person + family + day",
            AuditFilter {
                actor: f.owner.as_str().into(),
                action: "order.".into(),
                from: "2023-11-14".into(),
                until: "2023-11-14".into(),
                ..AuditFilter::default()
            },
        ),
    ];
    for (name, filter) in filters {
        let selection = Selection::parse(&t.db, &read, &filter).await.unwrap();
        let mut times = Vec::new();
        let mut found = 0;
        for _ in 0..50 {
            let started = Instant::now();
            let page = audit::list(&t.db, &read, &selection, None).await.unwrap();
            times.push(started.elapsed().as_secs_f64() * 1000.0);
            found = page.entries.len();
        }
        times.sort_by(f64::total_cmp);
        eprintln!(
            "  viewer, {name}: {found} entries on the page, p50 {:.1} ms, p95 {:.1} ms",
            times[24], times[47]
        );
    }
}

#[tokio::main]
async fn main() {
    let key = AuditKey::generate();
    let public = key.public();
    for t in backends().await {
        let label = t.backend().name();
        eprintln!("{label}:");
        let clock = Clock::System;
        let f = Fixture::new(&t.db, &clock).await;
        fill(&t, f.workspace.as_str(), f.owner.as_str()).await;
        checkpoints::sign_heads(&t.db, &clock, &key).await.unwrap();

        let started = Instant::now();
        let proved = verify::workspace_chain(&t.db, &f.workspace, Some(&public))
            .await
            .unwrap()
            .unwrap_or_else(|broken| panic!("{label}: {broken}"));
        let secs = started.elapsed().as_secs_f64();
        assert!(proved.entries >= ENTRIES as u64);
        eprintln!(
            "  verify: {} entries in {secs:.2} s ({:.0} entries/s), signed through #{}",
            proved.entries,
            proved.entries as f64 / secs,
            proved.signed_through
        );

        let path = std::env::temp_dir().join(format!("gatehouse-audit-{label}.ndjson"));
        let started = Instant::now();
        let mut out = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
        let written = export::workspace(&t.db, &clock, &f.workspace, &mut out)
            .await
            .unwrap();
        drop(out);
        let export_secs = started.elapsed().as_secs_f64();
        let size = std::fs::metadata(&path).unwrap().len();
        let started = Instant::now();
        let file = std::io::BufReader::new(std::fs::File::open(&path).unwrap());
        let verified = offline::verify(file, &public).unwrap();
        let offline_secs = started.elapsed().as_secs_f64();
        assert!(verified.complete && verified.proved.signed_through == verified.last_seq);
        eprintln!(
            "  export: {written} entries, {:.0} MB in {export_secs:.2} s; verified offline in \
             {offline_secs:.2} s",
            size as f64 / 1e6
        );
        std::fs::remove_file(&path).ok();
        viewer(&t, &f).await;
    }
}
