//! Demo quotes and orders in the order they happened: a quote is drafted, sent, and accepted
//! (becoming an order the same week), declined or left to expire; other orders come in
//! directly; paid orders get their payments. Totals follow the money rules the record
//! functions use.

use rand::Rng;
use sqlx::AnyConnection;

use app::server::platform::error::DomainError;
use app::server::records::money::{self, Line, Money};

use super::catalogue::Product;
use super::customers::Customer;
use super::draw::{Counts, Fill, DAY_MS};
use super::payments;
use super::rows::{Tables, Value};

const QUOTES: usize = 0;
const QUOTE_LINES: usize = 1;
const ORDERS: usize = 2;
const ORDER_LINES: usize = 3;

const QUOTE_COLUMNS: &[&str] = &[
    "id",
    "workspace_id",
    "number",
    "customer_id",
    "title",
    "title_key",
    "status",
    "valid_until",
    "currency",
    "tax_rate_bp",
    "subtotal_minor",
    "tax_minor",
    "total_minor",
    "notes",
    "assigned_user_id",
    "team_id",
    "created_at",
    "updated_at",
    "created_by",
];
const ORDER_COLUMNS: &[&str] = &[
    "id",
    "workspace_id",
    "number",
    "customer_id",
    "quote_id",
    "status",
    "currency",
    "tax_rate_bp",
    "subtotal_minor",
    "tax_minor",
    "total_minor",
    "notes",
    "assigned_user_id",
    "team_id",
    "status_changed_at",
    "created_at",
    "updated_at",
    "created_by",
];
const QUOTE_LINE_COLUMNS: &[&str] = &[
    "id",
    "workspace_id",
    "quote_id",
    "position",
    "product_id",
    "sku",
    "name",
    "quantity",
    "unit_price_minor",
    "discount_bp",
    "total_minor",
];
const ORDER_LINE_COLUMNS: &[&str] = &[
    "id",
    "workspace_id",
    "order_id",
    "position",
    "product_id",
    "sku",
    "name",
    "quantity",
    "unit_price_minor",
    "discount_bp",
    "total_minor",
];

/// A document's customer, assignee, lines and sums, before it is a quote or an order.
struct Draft<'p> {
    customer: &'p Customer,
    lines: Vec<(&'p Product, Line, Money)>,
    totals: money::Totals,
}

pub struct Written {
    pub quotes: usize,
    pub orders: usize,
    pub payments: usize,
}

struct Numbers {
    quote: i64,
    order: i64,
}

pub async fn write(
    conn: &mut AnyConnection,
    fill: &mut Fill<'_>,
    customers: &[Customer],
    products: &[Product],
    counts: &Counts,
) -> Result<Written, DomainError> {
    let active: Vec<&Product> = products.iter().filter(|p| p.active).collect();
    let from_quotes = counts.quotes * 2 / 5;
    let direct = counts.orders.saturating_sub(from_quotes);
    let events = counts.quotes + direct;
    let mut tables = Tables::new(&[
        ("quotes", QUOTE_COLUMNS),
        ("quote_lines", QUOTE_LINE_COLUMNS),
        ("orders", ORDER_COLUMNS),
        ("order_lines", ORDER_LINE_COLUMNS),
        ("payments", payments::PAYMENT_COLUMNS),
        ("refunds", payments::REFUND_COLUMNS),
    ]);
    let mut numbers = Numbers { quote: 1, order: 1 };
    let mut quotes_left = counts.quotes;
    for k in 0..events {
        let at = fill.at_fraction(k, events);
        let draft = draft(fill, customers, &active)?;
        if fill.rng.random_range(0..events - k) < quotes_left {
            quotes_left -= 1;
            let (quote_id, accepted) = quote(fill, &mut tables, &mut numbers, &draft, at);
            if accepted {
                let order_at =
                    (at + fill.rng.random_range(DAY_MS / 24..3 * DAY_MS)).min(fill.now_ms);
                order(
                    fill,
                    &mut tables,
                    &mut numbers,
                    &draft,
                    order_at,
                    Some(quote_id),
                );
            }
        } else {
            order(fill, &mut tables, &mut numbers, &draft, at, None);
        }
        tables.settle(conn).await?;
    }
    let written = tables.finish(conn).await?;
    Ok(Written {
        quotes: written[QUOTES],
        orders: written[ORDERS],
        payments: written[payments::PAYMENTS],
    })
}

fn draft<'p>(
    fill: &mut Fill<'_>,
    customers: &'p [Customer],
    products: &[&'p Product],
) -> Result<Draft<'p>, DomainError> {
    let customer = &customers[fill.rng.random_range(0..customers.len())];
    let mut lines = Vec::new();
    for _ in 0..fill.rng.random_range(1..=4) {
        let product = products[fill.rng.random_range(0..products.len())];
        // Services and dear goods sell by the one or two, consumables by the box.
        let quantity = match product.price_minor {
            100_000.. => fill.rng.random_range(1..=2),
            10_000.. => fill.rng.random_range(1..=6),
            _ if fill.chance(70) => fill.rng.random_range(1..=10),
            _ => fill.rng.random_range(11..=60),
        };
        let discount_bp = match fill.rng.random_range(0..10) {
            0 => 1_000,
            1 | 2 => 500,
            _ => 0,
        };
        let line = Line {
            quantity,
            unit_price: Money::from_minor(product.price_minor, fill.currency),
            discount_bp,
        };
        lines.push((product, line, line.total()?));
    }
    let plain: Vec<Line> = lines.iter().map(|(_, line, _)| *line).collect();
    let totals = money::totals(&plain, fill.tax_bp, fill.currency)?;
    Ok(Draft {
        customer,
        lines,
        totals,
    })
}

/// Pushes a quote with its lines; its id, and whether it was accepted.
fn quote(
    fill: &mut Fill<'_>,
    tables: &mut Tables,
    numbers: &mut Numbers,
    draft: &Draft<'_>,
    at: i64,
) -> (String, bool) {
    let recent = fill.now_ms - at < 30 * DAY_MS;
    let roll = fill.rng.random_range(0..100);
    let status = match (recent, roll) {
        (true, 0..30) => "draft",
        (true, 30..80) => "sent",
        (true, 80..95) | (false, 0..45) => "accepted",
        (false, 45..75) | (true, _) => "declined",
        (false, _) => "sent",
    };
    let id = fill.id();
    let title = format!("{} for {}", draft.lines[0].0.name, draft.customer.name);
    let valid_until = Fill::day_string(Fill::days_after(at, 30));
    tables.push(
        QUOTES,
        vec![
            id.clone().into(),
            fill.workspace.clone().into(),
            numbers.quote.into(),
            draft.customer.id.clone().into(),
            title.clone().into(),
            title.to_lowercase().into(),
            status.into(),
            valid_until.into(),
            fill.currency.code().into(),
            fill.tax_bp.into(),
            draft.totals.subtotal.minor().into(),
            draft.totals.tax.minor().into(),
            draft.totals.total.minor().into(),
            "".into(),
            draft.customer.assignee.clone().into(),
            Some(fill.staff.sales_team.clone()).into(),
            at.into(),
            at.into(),
            Some(draft.customer.assignee.clone()).into(),
        ],
    );
    numbers.quote += 1;
    push_lines(fill, tables, QUOTE_LINES, &id, draft);
    (id, status == "accepted")
}

fn order(
    fill: &mut Fill<'_>,
    tables: &mut Tables,
    numbers: &mut Numbers,
    draft: &Draft<'_>,
    at: i64,
    quote: Option<String>,
) {
    let age_days = (fill.now_ms - at) / DAY_MS;
    let roll = fill.rng.random_range(0..100);
    let status = match (age_days < 14, roll) {
        (true, 0..20) if quote.is_none() => "draft",
        (true, 0..55) => "confirmed",
        (true, 55..90) => "processed",
        (true, _) | (false, 0..85) => "fulfilled",
        (false, 85..95) => "cancelled",
        (false, _) => "processed",
    };
    let id = fill.id();
    let changed = (at + fill.rng.random_range(0..2 * DAY_MS)).min(fill.now_ms);
    let assignee = draft.customer.assignee.clone();
    tables.push(
        ORDERS,
        vec![
            id.clone().into(),
            fill.workspace.clone().into(),
            numbers.order.into(),
            draft.customer.id.clone().into(),
            quote.into(),
            status.into(),
            fill.currency.code().into(),
            fill.tax_bp.into(),
            draft.totals.subtotal.minor().into(),
            draft.totals.tax.minor().into(),
            draft.totals.total.minor().into(),
            "".into(),
            assignee.clone().into(),
            Some(fill.staff.sales_team.clone()).into(),
            changed.into(),
            at.into(),
            changed.into(),
            Some(assignee.clone()).into(),
        ],
    );
    numbers.order += 1;
    push_lines(fill, tables, ORDER_LINES, &id, draft);
    let paid = match status {
        "fulfilled" => 100,
        "processed" => 60,
        "confirmed" => 30,
        _ => 0,
    };
    if fill.chance(paid) {
        payments::pay(
            fill,
            tables,
            &id,
            &assignee,
            draft.totals.total.minor(),
            changed,
        );
    }
}

fn push_lines(fill: &Fill<'_>, tables: &mut Tables, table: usize, parent: &str, draft: &Draft<'_>) {
    for (position, (product, line, total)) in draft.lines.iter().enumerate() {
        let row: Vec<Value> = vec![
            fill.id().into(),
            fill.workspace.clone().into(),
            parent.into(),
            (position as i64 + 1).into(),
            Some(product.id.clone()).into(),
            product.sku.clone().into(),
            product.name.clone().into(),
            line.quantity.into(),
            line.unit_price.minor().into(),
            line.discount_bp.into(),
            total.minor().into(),
        ];
        tables.push(table, row);
    }
}
