//! Licences against real SQLite and PostgreSQL: issuing with a generated key, every bad field
//! named and nothing written, the key masked without `licences.write` (and never in the audit
//! log), status read from the dates, renewal, suspension and reinstatement by the rules,
//! optimistic versions, data scopes and workspace isolation.

use std::time::Duration;

use app::model::{CustomerId, LicenceDetail, LicenceStatus, ProductId, UserId};
use app::permissions::keys::{
    AuditRead, CustomersRead, CustomersWrite, LicencesRead, LicencesWrite, ProductsDelete,
    ProductsWrite, RolesWrite,
};
use app::server::access::{audit, grants, role_editor};
use app::server::platform::clock::Clock;
use app::server::platform::error::DomainError;
use app::server::platform::testing::{backends, Fixture, TestDb};
use app::server::records::licences::{self, flow, LicenceForm, TermsForm};
use app::server::records::{customers, products};

use super::support::{draft, message};

/// 2026-11-24 00:00 UTC.
const START: i64 = 1_795_478_400_000;

async fn customer(f: &Fixture, name: &str, assigned: &UserId) -> CustomerId {
    let form = customers::CustomerForm {
        name: name.into(),
        assigned_user_id: assigned.as_str().into(),
        ..customers::CustomerForm::default()
    };
    customers::create(&f.db, &f.clock, &f.grant::<CustomersWrite>().await, &form)
        .await
        .unwrap()
        .id
}

async fn product(f: &Fixture, sku: &str, active: bool) -> ProductId {
    let form = products::ProductForm {
        sku: sku.into(),
        name: format!("Product {sku}"),
        active,
        ..products::ProductForm::default()
    };
    products::create(&f.db, &f.clock, &f.grant::<ProductsWrite>().await, &form)
        .await
        .unwrap()
        .id
}

fn form(product: &str, customer: &str, seats: &str, from: &str, until: &str) -> LicenceForm {
    LicenceForm {
        product_id: product.into(),
        customer_id: customer.into(),
        terms: TermsForm {
            seats: seats.into(),
            valid_from: from.into(),
            valid_until: until.into(),
            ..TermsForm::default()
        },
    }
}

async fn issue(f: &Fixture, form: &LicenceForm) -> Result<LicenceDetail, DomainError> {
    let write = f.grant::<LicencesWrite>().await;
    let read = f.grant::<CustomersRead>().await;
    licences::create(&f.db, &f.clock, &write, &read, form).await
}

/// Every bad field is named and writes nothing; a good licence runs a year from today with a
/// fresh key the owner sees whole.
async fn the_owner_issues_a_licence(t: &TestDb, f: &Fixture, label: &str) -> LicenceDetail {
    let babbage = customer(f, "Babbage & Co", &f.owner).await;
    let engine = product(f, "ENGINE-1", true).await;
    let retired = product(f, "OLD-1", false).await;
    let (c, p) = (babbage.as_str(), engine.as_str());
    let before = t.row_counts(&["licences", "audit_log"]).await;
    let mut noted = form(p, c, "5", "", "");
    noted.terms.notes = "a\u{0}b".into();
    for (bad, expected) in [
        (form("not-an-id", c, "5", "", ""), "product_id"),
        (form(retired.as_str(), c, "5", "", ""), "product_id"),
        (form(p, "nobody", "5", "", ""), "customer_id"),
        (form(p, c, "0", "", ""), "seats"),
        (form(p, c, "2.5", "", ""), "seats"),
        (form(p, c, "5", "2026-02-30", ""), "valid_from"),
        (form(p, c, "5", "2026-12-01", "2026-11-30"), "valid_until"),
        (noted, "notes"),
    ] {
        let e = issue(f, &bad).await.unwrap_err();
        assert!(message(e).starts_with(expected), "{label}: {bad:?}");
    }
    assert_eq!(
        t.row_counts(&["licences", "audit_log"]).await,
        before,
        "{label}"
    );
    let made = issue(f, &form(p, c, " 5 ", "", "")).await.unwrap();
    let l = &made.licence;
    assert_eq!(
        (
            l.reference.as_str(),
            l.seats,
            l.valid_from.as_str(),
            l.valid_until.as_str(),
            l.status,
            l.key_masked,
            made.can_write
        ),
        (
            "L-1",
            5,
            "2026-11-24",
            "2027-11-23",
            LicenceStatus::Active,
            false,
            true
        ),
        "{label}"
    );
    assert_eq!(l.licence_key.len(), 29, "{label}: {}", l.licence_key);
    let other = issue(f, &form(p, c, "1", "", "")).await.unwrap();
    assert_eq!(other.licence.reference, "L-2", "{label}");
    assert_ne!(other.licence.licence_key, l.licence_key, "{label}");
    made
}

/// A Manager reads licences but holds no `licences.write`: the key is masked in the list and
/// on the page, and no write is granted.
async fn a_reader_sees_the_key_masked(f: &Fixture, l: &LicenceDetail, label: &str) {
    let mia = f
        .add_member("mia@example.com", "Mia Manager", "Manager")
        .await;
    assert!(
        matches!(
            f.grant_of::<LicencesWrite>(&mia).await,
            Err(DomainError::Forbidden)
        ),
        "{label}"
    );
    let read = f.grant_of::<LicencesRead>(&mia).await.unwrap();
    let seen = licences::get(&f.db, &f.clock, &read, &l.licence.id)
        .await
        .unwrap();
    let tail = l.licence.licence_key.rsplit('-').next().unwrap();
    assert_eq!(
        (
            seen.licence.licence_key.clone(),
            seen.licence.key_masked,
            seen.can_write
        ),
        (format!("•••••-•••••-•••••-•••••-{tail}"), true, false),
        "{label}"
    );
    let listed = licences::list(&f.db, &f.clock, &read, &licences::ListQuery::default())
        .await
        .unwrap();
    assert!(
        listed
            .items
            .iter()
            .all(|x| x.key_masked && x.licence_key.starts_with("•••••")),
        "{label}"
    );
}

/// Terms change only from the version shown; renewal, suspension and reinstatement follow the
/// rules, refusals change nothing, and the history has each step without the key.
async fn the_terms_change_by_the_rules(t: &TestDb, f: &Fixture, l: &LicenceDetail, label: &str) {
    let (db, clock) = (&f.db, &f.clock);
    let write = f.grant::<LicencesWrite>().await;
    let id = &l.licence.id;
    let terms = TermsForm {
        seats: "10".into(),
        valid_from: "2026-11-24".into(),
        valid_until: "2027-11-23".into(),
        notes: "Site licence".into(),
        ..TermsForm::default()
    };
    let saved = licences::update(db, clock, &write, id, 1, &terms)
        .await
        .unwrap();
    assert_eq!(
        (saved.licence.seats, saved.licence.version),
        (10, 2),
        "{label}"
    );
    let before = t.row_counts(&["audit_log"]).await;
    let stale = licences::update(
        db,
        clock,
        &write,
        id,
        1,
        &TermsForm {
            seats: "99".into(),
            ..terms.clone()
        },
    )
    .await;
    assert!(
        message(stale.unwrap_err()).contains("changed by someone else"),
        "{label}"
    );
    let e = flow::renew(db, clock, &write, id, 2, "0").await;
    assert!(message(e.unwrap_err()).starts_with("months"), "{label}");
    let e = flow::suspend(db, clock, &write, id, 2, "  ").await;
    assert!(message(e.unwrap_err()).starts_with("reason"), "{label}");
    let e = flow::reinstate(db, clock, &write, id, 2).await;
    assert!(message(e.unwrap_err()).contains("not suspended"), "{label}");
    assert_eq!(
        t.row_counts(&["audit_log"]).await,
        before,
        "{label}: refusals log nothing"
    );

    let renewed = flow::renew(db, clock, &write, id, 2, "12").await.unwrap();
    assert_eq!(renewed.licence.valid_until, "2028-11-23", "{label}");
    let suspended = flow::suspend(db, clock, &write, id, 3, "Invoice unpaid")
        .await
        .unwrap();
    assert_eq!(
        (
            suspended.licence.status,
            suspended.licence.suspended_reason.as_str()
        ),
        (LicenceStatus::Suspended, "Invoice unpaid"),
        "{label}"
    );
    let e = flow::suspend(db, clock, &write, id, 4, "Again").await;
    assert!(
        message(e.unwrap_err()).contains("already suspended"),
        "{label}"
    );
    let only_suspended = licences::ListQuery {
        status: Some(LicenceStatus::Suspended),
        ..licences::ListQuery::default()
    };
    let read = f.grant::<LicencesRead>().await;
    let listed = licences::list(db, clock, &read, &only_suspended)
        .await
        .unwrap();
    assert_eq!(
        listed.items.iter().map(|x| &x.id).collect::<Vec<_>>(),
        [id],
        "{label}"
    );
    let back = flow::reinstate(db, clock, &write, id, 4).await.unwrap();
    assert_eq!(
        (back.licence.status, back.licence.suspended_reason.as_str()),
        (LicenceStatus::Active, ""),
        "{label}"
    );

    the_history_has_each_step_without_the_key(t, f, l, label).await;
}

/// The licence's history: each step, and never the key by value.
async fn the_history_has_each_step_without_the_key(
    t: &TestDb,
    f: &Fixture,
    l: &LicenceDetail,
    label: &str,
) {
    let (db, id) = (&f.db, &l.licence.id);
    let history = audit::history(db, &f.grant::<AuditRead>().await, id.as_str())
        .await
        .unwrap();
    let actions: Vec<&str> = history.iter().map(|h| h.action.as_str()).collect();
    assert_eq!(
        actions,
        [
            "licence.reinstated",
            "licence.suspended",
            "licence.renewed",
            "licence.update",
            "licence.create"
        ],
        "{label}"
    );
    let logged = t
        .strings("SELECT COALESCE(before_state, '') || COALESCE(after_state, '') FROM audit_log")
        .await;
    assert!(
        logged.iter().all(|s| !s.contains(&l.licence.licence_key)),
        "{label}: the key is never logged by value"
    );
}

/// Status comes from the dates on the workspace's day: a licence past its last day reads as
/// expired (and is found by that filter), a renewal restarts it from today; one whose first day
/// is to come is scheduled. A product a licence names is kept.
async fn dates_decide_the_status(f: &Fixture, label: &str) {
    let (db, clock) = (&f.db, &f.clock);
    let write = f.grant::<LicencesWrite>().await;
    let client = customer(f, "Short Term Ltd", &f.owner).await;
    let tool = product(f, "TOOL-1", true).await;
    let (c, p) = (client.as_str(), tool.as_str());
    let short = issue(f, &form(p, c, "1", "2026-01-01", "2026-11-30"))
        .await
        .unwrap();
    let later = issue(f, &form(p, c, "1", "2027-01-01", "")).await.unwrap();
    assert_eq!(
        (short.licence.status, later.licence.status),
        (LicenceStatus::Active, LicenceStatus::Scheduled),
        "{label}"
    );
    clock.advance(Duration::from_secs(7 * 86_400));
    let read = f.grant::<LicencesRead>().await;
    let expired = licences::ListQuery {
        status: Some(LicenceStatus::Expired),
        ..licences::ListQuery::default()
    };
    let listed = licences::list(db, clock, &read, &expired).await.unwrap();
    assert_eq!(
        listed.items.iter().map(|x| &x.id).collect::<Vec<_>>(),
        [&short.licence.id],
        "{label}"
    );
    let renewed = flow::renew(db, clock, &write, &short.licence.id, 1, "1")
        .await
        .unwrap();
    assert_eq!(
        (renewed.licence.status, renewed.licence.valid_until.as_str()),
        (LicenceStatus::Active, "2026-12-31"),
        "{label}: restarted from today, 2026-12-01"
    );
    let e = products::delete(db, clock, &f.grant::<ProductsDelete>().await, &tool).await;
    assert!(
        message(e.unwrap_err()).contains("still named by other records"),
        "{label}"
    );
}

/// A role reaching only assigned licences and customers issues for its own customers only,
/// assigned to its holder, and neither sees nor changes anyone else's licence.
async fn an_assigned_scope_keeps_to_its_own(f: &Fixture, theirs: &LicenceDetail, label: &str) {
    let (db, clock) = (&f.db, &f.clock);
    let mut seller = draft(
        "Licence desk",
        &["licences.read", "licences.write", "customers.read"],
    );
    seller.scopes = vec![
        ("licences".into(), "assigned".into()),
        ("customers".into(), "assigned".into()),
    ];
    role_editor::create(db, clock, &f.grant::<RolesWrite>().await, &seller)
        .await
        .unwrap();
    let lin = f
        .add_member("lin@example.com", "Lin Seller", "Licence desk")
        .await;
    let hers = customer(f, "Lin's Client", &lin).await;
    let adas = customer(f, "Ada's Other Client", &f.owner).await;
    let kit = product(f, "KIT-1", true).await;
    let write = f.grant_of::<LicencesWrite>(&lin).await.unwrap();
    let customers_read = f.grant_of::<CustomersRead>(&lin).await.unwrap();
    let mut away = form(kit.as_str(), hers.as_str(), "1", "", "");
    away.terms.assigned_user_id = f.owner.as_str().into();
    for (bad, expected) in [
        (
            form(kit.as_str(), adas.as_str(), "1", "", ""),
            "customer_id",
        ),
        (away, "assigned_user_id"),
    ] {
        let e = licences::create(db, clock, &write, &customers_read, &bad).await;
        assert!(message(e.unwrap_err()).starts_with(expected), "{label}");
    }
    let mine = licences::create(
        db,
        clock,
        &write,
        &customers_read,
        &form(kit.as_str(), hers.as_str(), "3", "", ""),
    )
    .await
    .unwrap();
    let read = f.grant_of::<LicencesRead>(&lin).await.unwrap();
    let listed = licences::list(db, clock, &read, &licences::ListQuery::default())
        .await
        .unwrap();
    assert_eq!(
        listed.items.iter().map(|x| &x.id).collect::<Vec<_>>(),
        [&mine.licence.id],
        "{label}"
    );
    let id = &theirs.licence.id;
    assert!(
        matches!(
            licences::get(db, clock, &read, id).await,
            Err(DomainError::NotFound)
        ),
        "{label}"
    );
    let e = flow::suspend(db, clock, &write, id, theirs.licence.version, "Mine now").await;
    assert!(
        matches!(e, Err(DomainError::NotFound)),
        "{label}: out of reach reads as missing"
    );
}

/// The owner's other workspace lists none of these licences and finds none by id.
async fn another_workspace_sees_none(f: &Fixture, label: &str) {
    use app::server::identity::{accounts, workspaces::WorkspaceName};
    let (db, clock, owner) = (&f.db, &f.clock, &f.owner);
    let mine = licences::list(
        db,
        clock,
        &f.grant::<LicencesRead>().await,
        &licences::ListQuery::default(),
    )
    .await
    .unwrap();
    let name = WorkspaceName::parse("Elsewhere Licensing").unwrap();
    let other = accounts::create_workspace(db, clock, owner, &name)
        .await
        .unwrap();
    let read = grants::require::<LicencesRead>(db, clock, owner, &other.id)
        .await
        .unwrap();
    let listed = licences::list(db, clock, &read, &licences::ListQuery::default())
        .await
        .unwrap();
    assert!(listed.items.is_empty() && !mine.items.is_empty(), "{label}");
    for l in &mine.items {
        assert!(
            matches!(
                licences::get(db, clock, &read, &l.id).await,
                Err(DomainError::NotFound)
            ),
            "{label}"
        );
    }
}

#[tokio::test]
async fn licences_are_issued_renewed_and_suspended_within_reach() {
    for t in backends().await {
        let label = t.backend().name();
        let clock = Clock::manual(START);
        let f = Fixture::new(&t.db, &clock).await;
        let l = the_owner_issues_a_licence(&t, &f, label).await;
        a_reader_sees_the_key_masked(&f, &l, label).await;
        the_terms_change_by_the_rules(&t, &f, &l, label).await;
        an_assigned_scope_keeps_to_its_own(&f, &l, label).await;
        dates_decide_the_status(&f, label).await;
        another_workspace_sees_none(&f, label).await;
    }
}
