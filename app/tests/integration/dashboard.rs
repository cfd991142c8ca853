//! The dashboard against real SQLite and PostgreSQL: open quotes and orders with their value,
//! revenue per week from payments less refunds, tickets by status and one's own open tickets —
//! each part only for the keys that reach its records, every figure within the caller's scope;
//! and the reports (sales by month, product and assignee; ticket ageing) by the same rules.

use app::model::{CustomerId, Dashboard, OrderId, TicketStatus, UserId};
use app::permissions::keys::{
    CustomersRead, CustomersWrite, OrdersRead, OrdersRefund, OrdersWrite, PaymentsProcess,
    ProductsWrite, QuotesRead, QuotesWrite, TicketsRead, TicketsWrite,
};
use app::server::platform::clock::Clock;
use app::server::platform::testing::{backends, Fixture};
use app::server::records::documents::header::HeaderForm;
use app::server::records::documents::lines::LineForm;
use app::server::records::payments::actions::{self, PaymentForm};
use app::server::records::{customers, orders, products, quotes, tickets};
use app::server::reports::dashboard::{self, Sources};

/// 2026-12-03 12:00 UTC, a Thursday: this week began on Monday 30 November.
const NOW: i64 = 1_796_299_200_000;

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

/// A confirmed order of one 100.00 EUR product for `customer`, assigned like the customer.
async fn confirmed_order(f: &Fixture, customer: &CustomerId, assigned: &UserId) -> OrderId {
    let (db, clock) = (&f.db, &f.clock);
    let write = f.grant::<OrdersWrite>().await;
    let header = HeaderForm {
        customer_id: customer.as_str().into(),
        assigned_user_id: assigned.as_str().into(),
        ..HeaderForm::default()
    };
    let made = orders::create(
        db,
        clock,
        &write,
        &f.grant::<CustomersRead>().await,
        &header,
    )
    .await
    .unwrap();
    let product = products::create(
        db,
        clock,
        &f.grant::<ProductsWrite>().await,
        &products::ProductForm {
            sku: format!("SKU-{}", made.order.reference),
            name: "Engine".into(),
            unit_price: "100".into(),
            active: true,
            ..products::ProductForm::default()
        },
    )
    .await
    .unwrap();
    let line = LineForm {
        product_id: product.id.as_str().into(),
        quantity: "1".into(),
        discount: String::new(),
    };
    orders::add_line(db, clock, &write, &made.order.id, 1, &line)
        .await
        .unwrap();
    orders::flow::confirm(db, clock, &write, &made.order.id, 2)
        .await
        .unwrap();
    made.order.id
}

async fn pay(f: &Fixture, order: &OrderId, amount: &str, day: &str) {
    let form = PaymentForm {
        order_id: order.as_str().into(),
        method: "card".into(),
        amount: amount.into(),
        reference: String::new(),
        paid_on: day.into(),
    };
    actions::take(&f.db, &f.clock, &f.grant::<PaymentsProcess>().await, &form)
        .await
        .unwrap();
}

async fn board_of(f: &Fixture, who: &UserId) -> Dashboard {
    let quotes = f.grant_of::<QuotesRead>(who).await.ok();
    let orders = f.grant_of::<OrdersRead>(who).await.ok();
    let tickets = f.grant_of::<TicketsRead>(who).await.ok();
    let approvals = f.grant_of::<OrdersRefund>(who).await.ok();
    let sources = Sources {
        quotes: quotes.as_ref(),
        orders: orders.as_ref(),
        tickets: tickets.as_ref(),
        approvals: approvals.as_ref(),
    };
    dashboard::dashboard(&f.db, &f.clock, &sources)
        .await
        .unwrap()
}

async fn open_ticket(f: &Fixture, customer: &CustomerId, subject: &str, assigned: &UserId) {
    let form = tickets::TicketForm {
        customer_id: customer.as_str().into(),
        fields: tickets::EditForm {
            subject: subject.into(),
            assigned_user_id: assigned.as_str().into(),
            ..tickets::EditForm::default()
        },
        message: "Help".into(),
    };
    let write = f.grant::<TicketsWrite>().await;
    tickets::create(
        &f.db,
        &f.clock,
        &write,
        &f.grant::<CustomersRead>().await,
        &form,
    )
    .await
    .unwrap();
}

/// Two customers — Ada's and Grace's — each with a confirmed order of 100.00 EUR, payments in
/// this week, last week and September, and an open ticket each; a draft quote for Ada's.
async fn workspace_with_records(f: &Fixture, grace: &UserId) {
    let adas = customer(f, "Ada's Client", &f.owner).await;
    let hers = customer(f, "Grace's Client", grace).await;
    let big = confirmed_order(f, &adas, &f.owner).await;
    let small = confirmed_order(f, &hers, grace).await;
    pay(f, &big, "70", "2026-12-01").await;
    pay(f, &big, "30", "2026-11-24").await;
    pay(f, &small, "5", "2026-09-01").await;
    let quote = quotes::QuoteForm {
        header: HeaderForm {
            customer_id: adas.as_str().into(),
            ..HeaderForm::default()
        },
        title: "Offer".into(),
        valid_until: String::new(),
    };
    quotes::create(
        &f.db,
        &f.clock,
        &f.grant::<QuotesWrite>().await,
        &f.grant::<CustomersRead>().await,
        &quote,
    )
    .await
    .unwrap();
    open_ticket(f, &adas, "Mine", &f.owner).await;
    open_ticket(f, &hers, "Hers", grace).await;
}

#[tokio::test]
async fn the_dashboard_counts_what_each_caller_may_see() {
    for t in backends().await {
        let label = t.backend().name();
        let clock = Clock::manual(NOW);
        let f = Fixture::new(&t.db, &clock).await;
        let grace = f
            .add_member("grace@example.com", "Grace Hopper", "Staff")
            .await;
        workspace_with_records(&f, &grace).await;

        let owner = board_of(&f, &f.owner).await;
        assert_eq!(owner.currency, "EUR", "{label}");
        let quotes = owner.open_quotes.as_ref().unwrap();
        assert_eq!(
            (quotes.count, quotes.value.as_str()),
            (1, "0.00 EUR"),
            "{label}"
        );
        let open = owner.open_orders.as_ref().unwrap();
        assert_eq!(
            (open.count, open.value.as_str()),
            (2, "200.00 EUR"),
            "{label}"
        );
        let revenue = owner.revenue.as_ref().unwrap();
        assert_eq!(revenue.len(), 12, "{label}");
        assert_eq!(
            (revenue[11].label.as_str(), revenue[11].value),
            ("30 Nov", 7_000),
            "{label}"
        );
        assert_eq!(
            (revenue[10].label.as_str(), revenue[10].value),
            ("23 Nov", 3_000),
            "{label}"
        );
        assert_eq!(
            revenue.iter().map(|b| b.value).sum::<i64>(),
            10_000,
            "{label}: September is older than 12 weeks"
        );
        let by_status = owner.tickets_by_status.as_ref().unwrap();
        assert_eq!(by_status[0], (TicketStatus::Open, 2), "{label}");
        let mine: Vec<&str> = owner
            .my_tickets
            .as_ref()
            .unwrap()
            .iter()
            .map(|t| t.subject.as_str())
            .collect();
        assert_eq!(mine, ["Mine"], "{label}");
        assert_eq!(owner.pending_approvals, Some(0), "{label}");

        // Grace (Staff, assigned scope) counts only what is hers; Staff hold no orders.refund.
        let staff = board_of(&f, &grace).await;
        assert_eq!(
            staff.open_orders.as_ref().map(|o| o.count),
            Some(1),
            "{label}"
        );
        assert_eq!(
            staff.open_quotes.as_ref().map(|q| q.count),
            Some(0),
            "{label}"
        );
        assert_eq!(
            staff
                .revenue
                .as_ref()
                .unwrap()
                .iter()
                .map(|b| b.value)
                .sum::<i64>(),
            0,
            "{label}"
        );
        assert_eq!(
            staff.tickets_by_status.as_ref().unwrap()[0],
            (TicketStatus::Open, 1),
            "{label}"
        );
        assert_eq!(staff.pending_approvals, None, "{label}");
        the_reports_count_within_scope(&f, &grace, label).await;
    }
}

/// Sales by month, product and assignee, and ticket ageing — the Owner's of everything, Grace's
/// of hers; bad days are named.
async fn the_reports_count_within_scope(f: &Fixture, grace: &UserId, label: &str) {
    use app::model::ListFilters;
    use app::permissions::keys::ReportsRead;
    use app::server::records::listing::Narrowing;
    use app::server::records::{orders as order_kind, tickets as ticket_kind};
    use app::server::reports::{ageing, sales};
    let (db, clock) = (&f.db, &f.clock);
    let anyone = Narrowing::default();
    let reports = f.grant::<ReportsRead>().await;
    let orders = f.grant::<OrdersRead>().await;
    let owner = sales::report(db, clock, &reports, &orders, "", "", &anyone)
        .await
        .unwrap();
    assert_eq!(
        (owner.from.as_str(), owner.until.as_str()),
        ("2026-01-01", "2026-12-03"),
        "{label}"
    );
    assert_eq!(owner.by_month.len(), 12, "{label}");
    assert_eq!(owner.by_month[11].label, "Dec 2026", "{label}");
    assert_eq!(owner.by_month[11].value, 20_000, "{label}");
    assert_eq!(owner.by_product.len(), 2, "{label}");
    assert!(
        owner
            .by_product
            .iter()
            .all(|r| r.count == 1 && r.value == "100.00 EUR"),
        "{label}"
    );
    let people: Vec<(&str, i64)> = owner
        .by_assignee
        .iter()
        .map(|r| (r.label.as_str(), r.count))
        .collect();
    assert_eq!(people.len(), 2, "{label}: {people:?}");
    let e = sales::report(
        db,
        clock,
        &reports,
        &orders,
        "2026-12-05",
        "2026-12-01",
        &anyone,
    )
    .await;
    assert!(
        super::support::message(e.unwrap_err()).starts_with("until"),
        "{label}"
    );
    let november = sales::report(
        db,
        clock,
        &reports,
        &orders,
        "2026-11-01",
        "2026-11-30",
        &anyone,
    )
    .await
    .unwrap();
    assert_eq!(
        november.by_month.iter().map(|b| b.value).sum::<i64>(),
        0,
        "{label}: placed in December"
    );

    let theirs = f.grant_of::<ReportsRead>(grace).await.unwrap();
    let her_orders = f.grant_of::<OrdersRead>(grace).await.unwrap();
    let hers = sales::report(db, clock, &theirs, &her_orders, "", "", &anyone)
        .await
        .unwrap();
    assert_eq!(hers.by_assignee.len(), 1, "{label}");
    assert_eq!(hers.by_assignee[0].label, "Grace Hopper", "{label}");
    let tickets = f.grant::<TicketsRead>().await;
    let waiting = ageing::report(db, clock, &reports, &tickets, &anyone)
        .await
        .unwrap();
    assert_eq!(waiting.buckets[0].value, 2, "{label}");
    let her_tickets = f.grant_of::<TicketsRead>(grace).await.unwrap();
    let hers = ageing::report(db, clock, &theirs, &her_tickets, &anyone)
        .await
        .unwrap();
    assert_eq!(
        hers.buckets.iter().map(|b| b.value).sum::<i64>(),
        1,
        "{label}"
    );

    // The Owner's reports narrowed to Grace count what Grace's own do.
    let to_grace = ListFilters {
        assignee: grace.as_str().into(),
        ..ListFilters::default()
    };
    let narrowing = Narrowing::parse(&order_kind::KIND, &orders, &to_grace).unwrap();
    let graces = sales::report(db, clock, &reports, &orders, "", "", &narrowing)
        .await
        .unwrap();
    let people: Vec<&str> = graces
        .by_assignee
        .iter()
        .map(|r| r.label.as_str())
        .collect();
    assert_eq!(people, ["Grace Hopper"], "{label}");
    let narrowing = Narrowing::parse(&ticket_kind::KIND, &tickets, &to_grace).unwrap();
    let graces = ageing::report(db, clock, &reports, &tickets, &narrowing)
        .await
        .unwrap();
    assert_eq!(
        graces.buckets.iter().map(|b| b.value).sum::<i64>(),
        1,
        "{label}"
    );
    let bad = ListFilters {
        team: "not a team".into(),
        ..ListFilters::default()
    };
    let e = Narrowing::parse(&order_kind::KIND, &orders, &bad).unwrap_err();
    assert!(super::support::message(e).starts_with("team"), "{label}");
}
