//! The demo seed on each database: every demo workspace gets its people and a working
//! company's records, consistent the way the record functions would have made them, and a
//! second run adds nothing.

use app::server::identity::passwords::Hasher;
use app::server::platform::clock::Clock;
use app::server::platform::testing::{self, TestDb};

/// One number from `sql` (cast to text, so both databases answer alike).
async fn number(db: &TestDb, sql: &str) -> i64 {
    let found = db.strings(sql).await;
    found[0].parse().unwrap()
}

/// Per workspace: one row each, `name|count`.
async fn per_workspace(db: &TestDb, table: &str) -> Vec<String> {
    db.strings(&format!(
        "SELECT w.name || '|' || CAST(COUNT(t.workspace_id) AS TEXT) FROM workspaces w \
         LEFT JOIN {table} t ON t.workspace_id = w.id GROUP BY w.name ORDER BY w.name"
    ))
    .await
}

fn counts(rows: &[String]) -> Vec<i64> {
    rows.iter()
        .map(|r| r.rsplit('|').next().unwrap().parse().unwrap())
        .collect()
}

#[tokio::test]
async fn the_demo_fills_every_workspace_consistently_and_once() {
    for db in testing::backends().await {
        let label = db.backend().name();
        let hasher = Hasher::new(2);
        let added = server::demo::seed(&db.db, &Clock::System, &hasher, 1)
            .await
            .unwrap();
        assert_eq!(added, server::demo::WORKSPACES.len(), "{label}");
        let workspaces = server::demo::WORKSPACES.len();

        for (table, each) in [
            ("customers", 2_000),
            ("products", 200),
            ("quotes", 1_500),
            ("tickets", 400),
            ("licences", 300),
        ] {
            assert_eq!(
                counts(&per_workspace(&db, table).await),
                vec![each; workspaces],
                "{label}: {table}"
            );
        }
        // Orders: those of accepted quotes plus the direct ones, about 3,000.
        for n in counts(&per_workspace(&db, "orders").await) {
            assert!((2_800..=3_200).contains(&n), "{label}: {n} orders");
        }
        // Companies have contact persons, most customers an address, about half a tag; every
        // part belongs to a customer of its own workspace (the composite key).
        for (table, at_least, at_most) in [
            ("customer_contacts", 1_200, 5_000),
            ("customer_addresses", 1_500, 3_000),
            ("customer_tags", 800, 2_500),
        ] {
            for n in counts(&per_workspace(&db, table).await) {
                assert!((at_least..=at_most).contains(&n), "{label}: {n} {table}");
            }
        }
        // The Owner and seven colleagues in each, in a sales and a support team.
        assert_eq!(
            counts(&per_workspace(&db, "memberships").await),
            vec![8; workspaces]
        );
        assert_eq!(
            counts(&per_workspace(&db, "teams").await),
            vec![2; workspaces]
        );

        documents_add_up(&db, label).await;
        payments_keep_their_rules(&db, label).await;
        assert_eq!(
            number(
                &db,
                "SELECT CAST(COUNT(*) AS TEXT) FROM audit_log WHERE action = 'demo.seed'"
            )
            .await,
            workspaces as i64,
            "{label}: one audit entry per workspace"
        );

        // Again: nothing more.
        let before = db
            .row_counts(&[
                "users",
                "memberships",
                "customers",
                "orders",
                "payments",
                "tickets",
            ])
            .await;
        let added = server::demo::seed(&db.db, &Clock::System, &hasher, 1)
            .await
            .unwrap();
        assert_eq!(added, 0, "{label}");
        let after = db
            .row_counts(&[
                "users",
                "memberships",
                "customers",
                "orders",
                "payments",
                "tickets",
            ])
            .await;
        assert_eq!(before, after, "{label}");
    }
}

/// Every quote's and order's sums are those of its lines and the tax rate, as money.rs makes
/// them; numbers count from 1 without a gap.
async fn documents_add_up(db: &TestDb, label: &str) {
    for (table, lines, parent) in [
        ("quotes", "quote_lines", "quote_id"),
        ("orders", "order_lines", "order_id"),
    ] {
        let wrong = number(
            db,
            &format!(
                "SELECT CAST(COUNT(*) AS TEXT) FROM {table} d WHERE d.subtotal_minor <> \
                 (SELECT COALESCE(SUM(l.total_minor), 0) FROM {lines} l WHERE l.{parent} = d.id) \
                 OR d.total_minor <> d.subtotal_minor + d.tax_minor \
                 OR d.tax_minor <> (d.subtotal_minor * d.tax_rate_bp + 5000) / 10000"
            ),
        )
        .await;
        assert_eq!(wrong, 0, "{label}: {table} whose sums are off");
        let gaps = number(
            db,
            &format!(
                "SELECT CAST(COUNT(*) AS TEXT) FROM (SELECT workspace_id, MAX(number) AS top, \
                 COUNT(*) AS n FROM {table} GROUP BY workspace_id) g WHERE g.top <> g.n"
            ),
        )
        .await;
        assert_eq!(gaps, 0, "{label}: {table} numbers with gaps");
    }
}

/// No order is paid beyond its total, no refund beyond its payment, and nobody reconciled a
/// payment they took or refunded.
async fn payments_keep_their_rules(db: &TestDb, label: &str) {
    let overpaid = number(
        db,
        "SELECT CAST(COUNT(*) AS TEXT) FROM orders o WHERE o.total_minor < \
         (SELECT COALESCE(SUM(p.amount_minor), 0) FROM payments p WHERE p.order_id = o.id)",
    )
    .await;
    assert_eq!(overpaid, 0, "{label}: overpaid orders");
    let refunds = number(
        db,
        "SELECT CAST(COUNT(*) AS TEXT) FROM payments p WHERE p.refunded_minor <> \
         (SELECT COALESCE(SUM(r.amount_minor), 0) FROM refunds r WHERE r.payment_id = p.id)",
    )
    .await;
    assert_eq!(
        refunds, 0,
        "{label}: refunded amounts not matching their refunds"
    );
    let own = number(
        db,
        "SELECT CAST(COUNT(*) AS TEXT) FROM payments p WHERE p.reconciled_by = p.processed_by \
         OR EXISTS (SELECT 1 FROM refunds r WHERE r.payment_id = p.id \
                    AND r.refunded_by = p.reconciled_by)",
    )
    .await;
    assert_eq!(
        own, 0,
        "{label}: payments reconciled by who took or refunded them"
    );
    let paid = number(db, "SELECT CAST(COUNT(*) AS TEXT) FROM payments").await;
    assert!(paid > 10_000, "{label}: {paid} payments");
}
