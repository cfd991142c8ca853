//! The sensitive-data access log against real SQLite and PostgreSQL: a tax id, a payment's
//! reference or a licence key shown in a list or on a page leaves one row per person, record,
//! field and day that counts the reads; masked or empty values leave none; the log is read
//! per person and per record with `audit.read`, names a bad filter, and never shows another
//! workspace's reads.

use std::time::Duration;

use app::model::{SensitiveRead, SensitiveReadFilter};
use app::permissions::keys::{
    AuditRead, CustomersRead, CustomersWrite, LicencesRead, LicencesWrite, OrdersRead, OrdersWrite,
    PaymentsProcess, ProductsWrite,
};
use app::server::access::grants;
use app::server::audit::retention;
use app::server::audit::sensitive_reads::{self, PAGE_SIZE};
use app::server::audit::signing::AuditKey;
use app::server::exports::customers::Customers;
use app::server::identity::workspaces::WorkspaceName;
use app::server::platform::clock::Clock;
use app::server::platform::error::DomainError;
use app::server::platform::testing::{backends, Fixture, TestDb};
use app::server::records::customers::{self, CustomerForm, ListQuery};
use app::server::records::licences::{self, LicenceForm, TermsForm};
use app::server::records::listing::ListParams;
use app::server::records::payments::{self, actions};
use app::server::records::{orders, products};

use super::payments::{order_of_200, pay, START};

async fn log(f: &Fixture, person: &str, record: &str) -> Vec<SensitiveRead> {
    let filter = SensitiveReadFilter {
        person: person.into(),
        record: record.into(),
    };
    let read = f.grant::<AuditRead>().await;
    sensitive_reads::list(&f.db, &read, &filter, None)
        .await
        .unwrap()
        .items
}

/// (who, record id, field, reads) of each row, in the log's order.
fn rows(items: &[SensitiveRead]) -> Vec<(String, String, String, i64)> {
    items
        .iter()
        .map(|r| {
            let who = r.person.clone().unwrap_or_default();
            (who, r.record_id.clone(), r.field.clone(), r.reads)
        })
        .collect()
}

async fn shown_values_are_counted(t: &TestDb, f: &Fixture, label: &str) {
    let mary = f
        .add_member("mary@example.com", "Mary Somerville", "Manager")
        .await;
    let grace = f
        .add_member("grace@example.com", "Grace Hopper", "Staff")
        .await;
    let write = f.grant::<CustomersWrite>().await;
    let taxed = customers::create(
        &f.db,
        &f.clock,
        &write,
        &CustomerForm {
            name: "Babbage & Co".into(),
            tax_id: "GB 123 4567 89".into(),
            assigned_user_id: grace.as_str().into(),
            ..CustomerForm::default()
        },
    )
    .await
    .unwrap();
    customers::create(
        &f.db,
        &f.clock,
        &write,
        &CustomerForm {
            name: "No Tax Ltd".into(),
            assigned_user_id: grace.as_str().into(),
            ..CustomerForm::default()
        },
    )
    .await
    .unwrap();
    assert!(
        log(f, "", "").await.is_empty(),
        "{label}: writing is no read"
    );

    // Grace (Staff) reaches both customers with the tax id masked: nothing to record.
    let hers = f.grant_of::<CustomersRead>(&grace).await.unwrap();
    let listed = customers::list(&f.db, &hers, &ListQuery::default())
        .await
        .unwrap();
    assert_eq!(listed.items.len(), 2, "{label}");
    customers::get(&f.db, &hers, &taxed.id).await.unwrap();
    assert!(log(f, "", "").await.is_empty(), "{label}: masked");

    // Mary (Manager) sees the tax id in the list, then on the page: one row, two reads; the
    // customer without a tax id leaves none.
    let marys = f.grant_of::<CustomersRead>(&mary).await.unwrap();
    customers::list(&f.db, &marys, &ListQuery::default())
        .await
        .unwrap();
    customers::get(&f.db, &marys, &taxed.id).await.unwrap();
    let id = taxed.id.as_str().to_owned();
    let expected = (
        "Mary Somerville".to_owned(),
        id.clone(),
        "tax id".to_owned(),
        2,
    );
    assert_eq!(
        rows(&log(f, "", "").await),
        vec![expected.clone()],
        "{label}"
    );
    let row = &log(f, mary.as_str(), "").await[0];
    assert_eq!(row.href, format!("/customers/{id}"), "{label}");
    assert_eq!(row.record, "customer", "{label}");
    assert_eq!(row.day, "2026-11-24", "{label}");

    // The next day is a new row; the first stays as it was. Mary's export of the list is a
    // read of the tax id too.
    f.clock.advance(Duration::from_secs(86_400));
    customers::get(&f.db, &marys, &taxed.id).await.unwrap();
    let (header, exported) = super::exports::exported::<Customers>(f, &mary, &[]).await;
    let tax = super::exports::column(&header, "Tax id");
    assert!(
        exported.iter().any(|r| r[tax] == "GB 123 4567 89"),
        "{label}"
    );
    let by_record = log(f, "", &id).await;
    assert_eq!(
        by_record
            .iter()
            .map(|r| (r.day.as_str(), r.reads))
            .collect::<Vec<_>>(),
        vec![("2026-11-25", 2), ("2026-11-24", 2)],
        "{label}"
    );
    assert!(log(f, grace.as_str(), "").await.is_empty(), "{label}");
    assert!(log(f, "", "another-record").await.is_empty(), "{label}");
    assert_eq!(
        t.row_counts(&["sensitive_reads"]).await[0].1,
        2,
        "{label}: one row per person, record, field and day"
    );
}

/// A payment's reference is logged against the payment with its order as the page; a licence
/// key against the licence, for whoever holds the key that unmasks it.
async fn payments_and_licences_are_logged(f: &Fixture, label: &str) {
    let (order, version) = order_of_200(f).await;
    orders::flow::confirm(
        &f.db,
        &f.clock,
        &f.grant::<OrdersWrite>().await,
        &order,
        version,
    )
    .await
    .unwrap();
    let process = f.grant::<PaymentsProcess>().await;
    let paid = actions::take(&f.db, &f.clock, &process, &pay(&order, "150", ""))
        .await
        .unwrap();
    let before = log(f, f.owner.as_str(), "").await.len();
    payments::for_order(&f.db, &f.grant::<OrdersRead>().await, &order)
        .await
        .unwrap();
    let by_order = log(f, "", order.as_str()).await;
    assert_eq!(by_order.len(), 1, "{label}: found by its order");
    assert_eq!(by_order[0].record_id, paid.as_str(), "{label}");
    assert_eq!(by_order[0].field, "payment reference", "{label}");
    assert_eq!(
        by_order[0].href,
        format!("/orders/{}", order.as_str()),
        "{label}"
    );
    assert_eq!(
        log(f, "", paid.as_str()).await,
        by_order,
        "{label}: and by itself"
    );

    let product = products::create(
        &f.db,
        &f.clock,
        &f.grant::<ProductsWrite>().await,
        &products::ProductForm {
            sku: "LIC-1".into(),
            name: "Licence".into(),
            active: true,
            ..products::ProductForm::default()
        },
    )
    .await
    .unwrap();
    let form = LicenceForm {
        product_id: product.id.as_str().into(),
        customer_id: customers::list(
            &f.db,
            &f.grant::<CustomersRead>().await,
            &ListQuery::default(),
        )
        .await
        .unwrap()
        .items[0]
            .id
            .as_str()
            .into(),
        terms: TermsForm {
            seats: "5".into(),
            ..TermsForm::default()
        },
    };
    let write = f.grant::<LicencesWrite>().await;
    let issued = licences::create(
        &f.db,
        &f.clock,
        &write,
        &f.grant::<CustomersRead>().await,
        &form,
    )
    .await
    .unwrap();
    let read = f.grant::<LicencesRead>().await;
    licences::list(&f.db, &f.clock, &read, &licences::ListQuery::default())
        .await
        .unwrap();
    licences::get(&f.db, &f.clock, &read, &issued.licence.id)
        .await
        .unwrap();
    let licence = log(f, "", issued.licence.id.as_str()).await;
    assert_eq!(
        rows(&licence),
        vec![(
            "Ada Lovelace".to_owned(),
            issued.licence.id.as_str().to_owned(),
            "licence key".to_owned(),
            2
        )],
        "{label}"
    );
    assert!(
        log(f, f.owner.as_str(), "").await.len() >= before + 2,
        "{label}: the owner's reads"
    );
}

/// A bad filter is named; the log needs `audit.read`; another workspace's log is empty.
async fn the_log_is_confined(f: &Fixture, label: &str) {
    let read = f.grant::<AuditRead>().await;
    for (person, record, field) in [
        ("not-a-person", "", "person"),
        ("", "a\u{7}b", "record"),
        ("", &"x".repeat(65), "record"),
    ] {
        let filter = SensitiveReadFilter {
            person: person.into(),
            record: record.into(),
        };
        match sensitive_reads::list(&f.db, &read, &filter, None).await {
            Err(DomainError::Invalid { field: named, .. }) => assert_eq!(named, field, "{label}"),
            other => panic!("{label}: {other:?}"),
        }
    }
    let grace = f.add_member("ida@example.com", "Ida Rhodes", "Staff").await;
    assert!(
        f.grant_of::<AuditRead>(&grace).await.is_err(),
        "{label}: Staff may not read the log"
    );
    let other = app::server::identity::accounts::create_workspace(
        &f.db,
        &f.clock,
        &f.owner,
        &WorkspaceName::parse("Difference Engines").unwrap(),
    )
    .await
    .unwrap();
    let elsewhere = grants::require::<AuditRead>(&f.db, &f.clock, &f.owner, &other.id)
        .await
        .unwrap();
    let page = sensitive_reads::list(&f.db, &elsewhere, &SensitiveReadFilter::default(), None)
        .await
        .unwrap();
    assert!(page.items.is_empty(), "{label}");
    assert!(!log(f, "", "").await.is_empty(), "{label}");
}

/// A page holds `PAGE_SIZE` rows; the next page continues after the last without repeating.
async fn the_log_pages(f: &Fixture, label: &str) {
    let write = f.grant::<CustomersWrite>().await;
    for i in 0..PAGE_SIZE {
        let form = CustomerForm {
            name: format!("Taxed {i:03}"),
            tax_id: format!("T{i}"),
            ..CustomerForm::default()
        };
        customers::create(&f.db, &f.clock, &write, &form)
            .await
            .unwrap();
    }
    let query = ListQuery {
        list: ListParams {
            limit: Some(100),
            ..ListParams::default()
        },
        ..ListQuery::default()
    };
    customers::list(&f.db, &f.grant::<CustomersRead>().await, &query)
        .await
        .unwrap();
    let read = f.grant::<AuditRead>().await;
    let filter = SensitiveReadFilter::default();
    let first = sensitive_reads::list(&f.db, &read, &filter, None)
        .await
        .unwrap();
    assert_eq!(first.items.len() as i64, PAGE_SIZE, "{label}");
    assert!(!first.people.is_empty(), "{label}");
    let next = first.next.clone().expect("a next page");
    let second = sensitive_reads::list(&f.db, &read, &filter, Some(&next))
        .await
        .unwrap();
    assert!(!second.items.is_empty(), "{label}");
    assert!(
        second
            .items
            .iter()
            .all(|r| first.items.iter().all(|s| s.id != r.id)),
        "{label}"
    );
}

/// The log is kept as long as the trail: past the workspace's retention, the purge drops it.
async fn the_log_follows_the_retention(t: &TestDb, f: &Fixture, label: &str) {
    let public = AuditKey::generate().public();
    retention::purge(&f.db, &f.clock, &public).await.unwrap();
    assert!(!log(f, "", "").await.is_empty(), "{label}: still within");
    f.clock.advance(Duration::from_secs(401 * 86_400));
    retention::purge(&f.db, &f.clock, &public).await.unwrap();
    assert!(
        log(f, "", "").await.is_empty(),
        "{label}: gone after 400 days"
    );
    assert_eq!(t.row_counts(&["sensitive_reads"]).await[0].1, 0, "{label}");
}

#[tokio::test]
async fn sensitive_reads_are_logged_per_person_record_and_day() {
    for t in backends().await {
        let label = t.backend().name();
        let clock = Clock::manual(START);
        let f = Fixture::new(&t.db, &clock).await;
        shown_values_are_counted(&t, &f, label).await;
        payments_and_licences_are_logged(&f, label).await;
        the_log_is_confined(&f, label).await;
        the_log_pages(&f, label).await;
        the_log_follows_the_retention(&t, &f, label).await;
    }
}
