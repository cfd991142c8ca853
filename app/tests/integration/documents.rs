//! Quotes and orders against real SQLite and PostgreSQL: lines copied from the catalogue and
//! totals computed on the server, the status flows and the key each order step needs, a quote
//! becoming an order in one transaction, expiry by date, optimistic versions, data scopes, and
//! every refusal changing nothing.

use std::time::Duration;

use app::model::{CustomerId, OrderStatus, ProductId, QuoteDetail, QuoteStatus, UserId};
use app::permissions::keys::{
    CustomersRead, CustomersWrite, OrdersCancel, OrdersProcess, OrdersRead, OrdersWrite,
    ProductsWrite, QuotesRead, QuotesWrite,
};
use app::server::access::grants;
use app::server::platform::clock::Clock;
use app::server::platform::error::DomainError;
use app::server::platform::testing::{backends, Fixture, TestDb};
use app::server::records::documents::header::HeaderForm;
use app::server::records::documents::lines::LineForm;
use app::server::records::quotes::{self, flow, QuoteForm};
use app::server::records::{customers, orders, products};

use super::support::message;

/// 2026-11-24 00:00 UTC.
const START: i64 = 1_795_478_400_000;
const TABLES: &[&str] = &["quotes", "quote_lines", "orders", "order_lines"];

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

async fn product(f: &Fixture, sku: &str, price: &str, active: bool) -> ProductId {
    let form = products::ProductForm {
        sku: sku.into(),
        name: format!("Product {sku}"),
        unit_price: price.into(),
        active,
        ..products::ProductForm::default()
    };
    products::create(&f.db, &f.clock, &f.grant::<ProductsWrite>().await, &form)
        .await
        .unwrap()
        .id
}

fn quote_form(customer: &str, title: &str, valid_until: &str) -> QuoteForm {
    QuoteForm {
        header: HeaderForm {
            customer_id: customer.into(),
            ..HeaderForm::default()
        },
        title: title.into(),
        valid_until: valid_until.into(),
    }
}

fn line(product: &str, quantity: &str, discount: &str) -> LineForm {
    LineForm {
        product_id: product.into(),
        quantity: quantity.into(),
        discount: discount.into(),
    }
}

/// Bad quote fields are named and write nothing; lines are priced from the catalogue and the
/// totals follow the money rules (discount per line, 20 % tax once on the subtotal).
async fn the_owner_prices_a_quote(t: &TestDb, f: &Fixture, label: &str) -> QuoteDetail {
    let write = f.grant::<QuotesWrite>().await;
    let read = f.grant::<CustomersRead>().await;
    let babbage = customer(f, "Babbage & Co", &f.owner).await;
    let engine = product(f, "ENGINE-1", "1,234.50", true).await;
    let gear = product(f, "GEAR-7", "19.99", true).await;
    let retired = product(f, "OLD-1", "5", false).await;
    let before = t.row_counts(TABLES).await;
    for (bad, expected) in [
        (quote_form("not-an-id", "Engines", ""), "customer_id"),
        (quote_form(babbage.as_str(), " ", ""), "title"),
        (
            quote_form(babbage.as_str(), "Engines", "2026-11-23"),
            "valid_until",
        ),
        (
            quote_form(babbage.as_str(), "Engines", "2026-13-01"),
            "valid_until",
        ),
    ] {
        let e = quotes::create(&f.db, &f.clock, &write, &read, &bad).await;
        assert!(
            message(e.unwrap_err()).starts_with(expected),
            "{label}: {bad:?}"
        );
    }
    assert_eq!(t.row_counts(TABLES).await, before, "{label}");
    let q = quotes::create(
        &f.db,
        &f.clock,
        &write,
        &read,
        &quote_form(babbage.as_str(), "Two engines", "2026-11-30"),
    )
    .await
    .unwrap();
    assert_eq!(
        (
            q.quote.reference.as_str(),
            q.quote.status,
            q.quote.header.customer.as_str()
        ),
        ("Q-1", QuoteStatus::Draft, "Babbage & Co"),
        "{label}"
    );
    let id = &q.quote.id;
    let q = quotes::add_line(
        &f.db,
        &f.clock,
        &write,
        id,
        1,
        &line(engine.as_str(), "2", "10"),
    )
    .await
    .unwrap();
    let q = quotes::add_line(
        &f.db,
        &f.clock,
        &write,
        id,
        q.quote.header.version,
        &line(gear.as_str(), "3", ""),
    )
    .await
    .unwrap();
    let totals = &q.quote.header.totals;
    assert_eq!(
        (
            totals.subtotal.as_str(),
            totals.tax.as_str(),
            totals.total.as_str()
        ),
        ("2,282.07 EUR", "456.41 EUR", "2,738.48 EUR"),
        "{label}: 2×1,234.50 less 10 % is 2,222.10; 3×19.99 is 59.97; 20 % of 2,282.07 is 456.414"
    );
    assert_eq!(q.lines[0].total, "2,222.10 EUR", "{label}");
    assert_eq!(q.lines[0].discount, "10 %", "{label}");
    bad_lines_change_nothing(t, f, &q, &engine, &retired, label).await;
    q
}

/// Bad lines are named, a stale version is refused, and the quote stays as it was.
async fn bad_lines_change_nothing(
    t: &TestDb,
    f: &Fixture,
    q: &QuoteDetail,
    engine: &ProductId,
    retired: &ProductId,
    label: &str,
) {
    let write = f.grant::<QuotesWrite>().await;
    let (id, version) = (&q.quote.id, q.quote.header.version);
    let before = t.row_counts(TABLES).await;
    for (bad, expected) in [
        (line(engine.as_str(), "0", ""), "quantity"),
        (line(engine.as_str(), "1.5", ""), "quantity"),
        (line(engine.as_str(), "1", "101"), "discount"),
        (line(retired.as_str(), "1", ""), "product_id"),
        (line("nothing", "1", ""), "product_id"),
    ] {
        let e = quotes::add_line(&f.db, &f.clock, &write, id, version, &bad).await;
        assert!(
            message(e.unwrap_err()).starts_with(expected),
            "{label}: {bad:?}"
        );
    }
    let stale = quotes::add_line(
        &f.db,
        &f.clock,
        &write,
        id,
        version - 1,
        &line(engine.as_str(), "1", ""),
    )
    .await;
    assert!(
        message(stale.unwrap_err()).contains("changed by someone else"),
        "{label}"
    );
    assert_eq!(t.row_counts(TABLES).await, before, "{label}");
    let again = quotes::get(&f.db, &f.clock, &f.grant::<QuotesRead>().await, id)
        .await
        .unwrap();
    assert_eq!(&again, q, "{label}: refusals left the quote as it was");
}

/// draft → sent → accepted → an order with the same lines and totals, once; then the order's
/// steps, each from its own state.
async fn the_quote_is_won_and_fulfilled(t: &TestDb, f: &Fixture, q: QuoteDetail, label: &str) {
    let write = f.grant::<QuotesWrite>().await;
    let id = &q.quote.id;
    let mut version = q.quote.header.version;
    let e = flow::set_status(&f.db, &f.clock, &write, id, version, QuoteStatus::Accepted).await;
    assert_eq!(
        message(e.unwrap_err()),
        "conflict: A quote that is draft can't be marked accepted.",
        "{label}"
    );
    let sent = flow::set_status(&f.db, &f.clock, &write, id, version, QuoteStatus::Sent)
        .await
        .unwrap();
    version = sent.quote.header.version;
    let e = quotes::remove_line(&f.db, &f.clock, &write, id, version, &q.lines[0].id).await;
    assert!(
        message(e.unwrap_err()).contains("only a draft can be changed"),
        "{label}"
    );
    let accepted = flow::set_status(&f.db, &f.clock, &write, id, version, QuoteStatus::Accepted)
        .await
        .unwrap();
    version = accepted.quote.header.version;
    let orders_write = f.grant::<OrdersWrite>().await;
    let order_id = flow::convert(&f.db, &f.clock, &write, &orders_write, id, version)
        .await
        .unwrap();
    let before = t.row_counts(TABLES).await;
    let again = flow::convert(&f.db, &f.clock, &write, &orders_write, id, version + 1).await;
    assert!(
        message(again.unwrap_err()).contains("already became an order"),
        "{label}"
    );
    assert_eq!(
        t.row_counts(TABLES).await,
        before,
        "{label}: converted once"
    );
    let read = f.grant::<OrdersRead>().await;
    let o = orders::get(&f.db, &read, &order_id).await.unwrap();
    assert_eq!(
        (
            o.order.reference.as_str(),
            o.order.status,
            o.order.quote_id.as_ref()
        ),
        ("O-1", OrderStatus::Draft, Some(id)),
        "{label}"
    );
    assert_eq!(o.order.header.totals, q.quote.header.totals, "{label}");
    let same = |a: &app::model::LineItem, b: &app::model::LineItem| {
        (&a.sku, a.quantity, &a.unit_price, &a.discount, &a.total)
            == (&b.sku, b.quantity, &b.unit_price, &b.discount, &b.total)
    };
    assert!(
        o.lines.len() == 2 && o.lines.iter().zip(&q.lines).all(|(a, b)| same(a, b)),
        "{label}"
    );
    let linked = quotes::get(&f.db, &f.clock, &f.grant::<QuotesRead>().await, id)
        .await
        .unwrap();
    assert_eq!(linked.quote.order_id, Some(order_id.clone()), "{label}");

    let process = f.grant::<OrdersProcess>().await;
    let v = o.order.header.version;
    let e = orders::flow::process(&f.db, &f.clock, &process, &order_id, v).await;
    assert_eq!(
        message(e.unwrap_err()),
        "conflict: This order is draft: it can't be processed.",
        "{label}"
    );
    let o = orders::flow::confirm(&f.db, &f.clock, &orders_write, &order_id, v)
        .await
        .unwrap();
    let o = orders::flow::process(&f.db, &f.clock, &process, &order_id, o.order.header.version)
        .await
        .unwrap();
    let o = orders::flow::fulfil(&f.db, &f.clock, &process, &order_id, o.order.header.version)
        .await
        .unwrap();
    assert_eq!(o.order.status, OrderStatus::Fulfilled, "{label}");
    assert!(o.steps.is_empty(), "{label}: nothing follows fulfilment");
    let cancel = f.grant::<OrdersCancel>().await;
    let e = orders::flow::cancel(&f.db, &f.clock, &cancel, &order_id, o.order.header.version).await;
    assert!(
        message(e.unwrap_err()).contains("fulfilled: it can't be cancelled"),
        "{label}"
    );
}

/// A sent quote past its last day reads as expired, is found by that status, cannot be
/// accepted, and is revived by reopening it.
async fn a_quote_expires_by_date(f: &Fixture, label: &str) {
    let write = f.grant::<QuotesWrite>().await;
    let babbage = customer(f, "Short Notice Ltd", &f.owner).await;
    let gear = product(f, "GEAR-9", "1", true).await;
    let q = quotes::create(
        &f.db,
        &f.clock,
        &write,
        &f.grant::<CustomersRead>().await,
        &quote_form(babbage.as_str(), "Today only", "2026-11-24"),
    )
    .await
    .unwrap();
    let id = &q.quote.id;
    let q = quotes::add_line(
        &f.db,
        &f.clock,
        &write,
        id,
        1,
        &line(gear.as_str(), "1", ""),
    )
    .await
    .unwrap();
    let q = flow::set_status(
        &f.db,
        &f.clock,
        &write,
        id,
        q.quote.header.version,
        QuoteStatus::Sent,
    )
    .await
    .unwrap();
    f.clock.advance(Duration::from_secs(2 * 24 * 3600));
    let read = f.grant::<QuotesRead>().await;
    let listed = quotes::list(
        &f.db,
        &f.clock,
        &read,
        &quotes::ListQuery {
            status: Some(QuoteStatus::Expired),
            ..quotes::ListQuery::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(
        listed
            .items
            .iter()
            .map(|q| q.title.as_str())
            .collect::<Vec<_>>(),
        ["Today only"],
        "{label}"
    );
    let v = q.quote.header.version;
    let e = flow::set_status(&f.db, &f.clock, &write, id, v, QuoteStatus::Accepted).await;
    assert!(message(e.unwrap_err()).contains("expired"), "{label}");
    let reopened = flow::set_status(&f.db, &f.clock, &write, id, v, QuoteStatus::Draft)
        .await
        .unwrap();
    assert_eq!(reopened.quote.status, QuoteStatus::Draft, "{label}");
}

/// Staff reach only the documents assigned to them, quote only their own customers, give no
/// discounts and cannot process orders.
async fn staff_work_within_their_reach(f: &Fixture, label: &str) {
    let grace = f
        .add_member("grace@example.com", "Grace Hopper", "Staff")
        .await;
    let hers = customer(f, "Grace's Client", &grace).await;
    let adas = customer(f, "Ada's Client", &f.owner).await;
    let gear = product(f, "GEAR-11", "3", true).await;
    let write = f.grant_of::<QuotesWrite>(&grace).await.unwrap();
    let read = f.grant_of::<CustomersRead>(&grace).await.unwrap();
    let mut away = quote_form(hers.as_str(), "Hand off", "");
    away.header.assigned_user_id = f.owner.as_str().into();
    for (form, expected) in [
        (quote_form(adas.as_str(), "Poach", ""), "customer_id"),
        (away, "assigned_user_id"),
    ] {
        let e = quotes::create(&f.db, &f.clock, &write, &read, &form).await;
        assert!(message(e.unwrap_err()).starts_with(expected), "{label}");
    }
    let mine = quotes::create(
        &f.db,
        &f.clock,
        &write,
        &read,
        &quote_form(hers.as_str(), "Mine", ""),
    )
    .await
    .unwrap();
    let e = quotes::add_line(
        &f.db,
        &f.clock,
        &write,
        &mine.quote.id,
        1,
        &line(gear.as_str(), "1", "5"),
    )
    .await;
    assert!(
        message(e.unwrap_err()).starts_with("discount: Giving a discount needs"),
        "{label}"
    );
    let seen = quotes::list(
        &f.db,
        &f.clock,
        &f.grant_of::<QuotesRead>(&grace).await.unwrap(),
        &quotes::ListQuery::default(),
    )
    .await
    .unwrap();
    assert_eq!(
        seen.items
            .iter()
            .map(|q| q.title.as_str())
            .collect::<Vec<_>>(),
        ["Mine"],
        "{label}"
    );
    let owners = quotes::list(
        &f.db,
        &f.clock,
        &f.grant::<QuotesRead>().await,
        &quotes::ListQuery::default(),
    )
    .await
    .unwrap();
    let adas_quote = owners
        .items
        .iter()
        .find(|q| q.title == "Two engines")
        .unwrap();
    let e = quotes::get(
        &f.db,
        &f.clock,
        &f.grant_of::<QuotesRead>(&grace).await.unwrap(),
        &adas_quote.id,
    )
    .await;
    assert!(matches!(e, Err(DomainError::NotFound)), "{label}");
    let e = flow::set_status(
        &f.db,
        &f.clock,
        &write,
        &adas_quote.id,
        adas_quote.header.version,
        QuoteStatus::Declined,
    )
    .await;
    assert!(
        matches!(e, Err(DomainError::NotFound)),
        "{label}: out of reach reads as missing"
    );
    staff_orders_are_their_own(f, &grace, &hers, label).await;
}

/// Grace's orders are hers alone, and Staff may confirm one but not process or cancel it.
async fn staff_orders_are_their_own(f: &Fixture, grace: &UserId, hers: &CustomerId, label: &str) {
    let read = f.grant_of::<CustomersRead>(grace).await.unwrap();
    assert!(
        matches!(
            f.grant_of::<OrdersProcess>(grace).await,
            Err(DomainError::Forbidden)
        ),
        "{label}"
    );
    let order = orders::create(
        &f.db,
        &f.clock,
        &f.grant_of::<OrdersWrite>(grace).await.unwrap(),
        &read,
        &HeaderForm {
            customer_id: hers.as_str().into(),
            ..HeaderForm::default()
        },
    )
    .await
    .unwrap();
    let mine_only = orders::list(
        &f.db,
        &f.grant_of::<OrdersRead>(grace).await.unwrap(),
        &orders::ListQuery::default(),
    )
    .await
    .unwrap();
    assert_eq!(
        mine_only.items.iter().map(|o| &o.id).collect::<Vec<_>>(),
        [&order.order.id],
        "{label}"
    );
    assert_eq!(
        order.steps,
        [app::model::OrderStep::Confirm],
        "{label}: Staff may confirm, not cancel"
    );
}

/// The owner's other workspace lists no quote or order of this one and finds none by id.
async fn another_workspace_sees_none_of_it(f: &Fixture, label: &str) {
    use app::server::identity::{accounts, workspaces::WorkspaceName};
    let mine = quotes::list(
        &f.db,
        &f.clock,
        &f.grant::<QuotesRead>().await,
        &quotes::ListQuery::default(),
    )
    .await
    .unwrap();
    let name = WorkspaceName::parse("Elsewhere Engines").unwrap();
    let other = accounts::create_workspace(&f.db, &f.clock, &f.owner, &name)
        .await
        .unwrap();
    let (db, clock, owner) = (&f.db, &f.clock, &f.owner);
    let read = grants::require::<QuotesRead>(db, clock, owner, &other.id)
        .await
        .unwrap();
    let listed = quotes::list(db, clock, &read, &quotes::ListQuery::default())
        .await
        .unwrap();
    assert!(listed.items.is_empty() && !mine.items.is_empty(), "{label}");
    for q in &mine.items {
        let e = quotes::get(db, clock, &read, &q.id).await;
        assert!(matches!(e, Err(DomainError::NotFound)), "{label}");
        if let Some(order) = &q.order_id {
            let orders_read = grants::require::<OrdersRead>(db, clock, owner, &other.id)
                .await
                .unwrap();
            assert!(
                matches!(
                    orders::get(db, &orders_read, order).await,
                    Err(DomainError::NotFound)
                ),
                "{label}"
            );
        }
    }
}

#[tokio::test]
async fn quotes_become_orders_within_reach_and_by_the_rules() {
    for t in backends().await {
        let label = t.backend().name();
        let clock = Clock::manual(START);
        let f = Fixture::new(&t.db, &clock).await;
        super::sales_terms::the_owner_sets_sales_terms(&t, &f, label).await;
        let q = the_owner_prices_a_quote(&t, &f, label).await;
        the_quote_is_won_and_fulfilled(&t, &f, q, label).await;
        staff_work_within_their_reach(&f, label).await;
        a_quote_expires_by_date(&f, label).await;
        another_workspace_sees_none_of_it(&f, label).await;
    }
}
