//! A workspace's sales terms against real SQLite and PostgreSQL: each bad field named and
//! nothing changed, the accepted terms read back, the change audited. (The quotes test starts
//! from the terms set here: 20 % tax in EUR.)

use app::server::platform::testing::{Fixture, TestDb};

use super::support::message;

/// The workspace's terms: each bad field named and nothing changed, then 20 % tax in EUR and
/// refunds over 500 needing approval, audited.
pub(super) async fn the_owner_sets_sales_terms(t: &TestDb, f: &Fixture, label: &str) {
    use app::permissions::keys::SettingsWrite;
    use app::server::workspace::sales_terms::{self, TermsForm};
    let grant = f.grant::<SettingsWrite>().await;
    let terms = |currency: &str, rate: &str, over: &str, days: &str| TermsForm {
        currency: currency.into(),
        tax_rate: rate.into(),
        refund_approval_over: over.into(),
        approval_expiry_days: days.into(),
    };
    let stored =
        "SELECT currency || ' ' || tax_rate_bp || ' ' || approval_expiry_days FROM workspaces";
    let before = t.strings(stored).await;
    for (form, expected) in [
        (terms("XAU", "20", "", ""), "currency"),
        (terms("ZZZ", "20", "", ""), "currency"),
        (terms("EUR", "101", "", ""), "tax_rate"),
        (terms("EUR", "7.555", "", ""), "tax_rate"),
        (terms("EUR", "20", "500.001", ""), "refund_approval_over"),
        (terms("EUR", "20", "", "91"), "approval_expiry_days"),
    ] {
        let e = sales_terms::set(&f.db, &f.clock, &grant, &form).await;
        assert!(
            message(e.unwrap_err()).starts_with(expected),
            "{label}: {form:?}"
        );
    }
    assert_eq!(t.strings(stored).await, before, "{label}");
    let set = sales_terms::set(&f.db, &f.clock, &grant, &terms("eur", "20", "500", "3"))
        .await
        .unwrap();
    assert_eq!(
        (
            set.currency.as_str(),
            set.tax_rate.as_str(),
            set.refund_approval_over.as_str(),
            set.approval_expiry_days
        ),
        ("EUR", "20", "500.00", 3),
        "{label}"
    );
    assert_eq!(
        t.strings("SELECT action FROM audit_log WHERE action = 'settings.sales_terms'")
            .await
            .len(),
        1,
        "{label}"
    );
}
