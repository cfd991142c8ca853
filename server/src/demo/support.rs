//! Demo support: tickets with their threads of replies and internal notes, some waiting
//! unassigned in the support queue; and licences of the catalogue's products, a few of them
//! suspended or run out.

use chrono::Months;
use rand::Rng;
use sqlx::AnyConnection;

use app::server::platform::error::DomainError;
use app::server::records::licences::key;

use super::catalogue::Product;
use super::customers::Customer;
use super::draw::{Counts, Fill, DAY_MS};
use super::names::{self, NOTES, REPLIES, TICKET_SUBJECTS};
use super::rows::Tables;

const TICKETS: usize = 0;
const MESSAGES: usize = 1;
const LICENCES: usize = 2;

const TICKET_COLUMNS: &[&str] = &[
    "id",
    "workspace_id",
    "number",
    "subject",
    "subject_key",
    "customer_id",
    "status",
    "priority",
    "assigned_user_id",
    "team_id",
    "status_changed_at",
    "created_at",
    "updated_at",
    "created_by",
];
const MESSAGE_COLUMNS: &[&str] = &[
    "id",
    "workspace_id",
    "ticket_id",
    "kind",
    "body",
    "author_id",
    "created_at",
];
const LICENCE_COLUMNS: &[&str] = &[
    "id",
    "workspace_id",
    "number",
    "product_id",
    "customer_id",
    "seats",
    "valid_from",
    "valid_until",
    "licence_key",
    "suspended_at",
    "suspended_reason",
    "notes",
    "assigned_user_id",
    "team_id",
    "created_at",
    "updated_at",
    "created_by",
];

pub struct Written {
    pub tickets: usize,
    pub licences: usize,
}

pub async fn write(
    conn: &mut AnyConnection,
    fill: &mut Fill<'_>,
    customers: &[Customer],
    products: &[Product],
    counts: &Counts,
) -> Result<Written, DomainError> {
    let mut tables = Tables::new(&[
        ("tickets", TICKET_COLUMNS),
        ("ticket_messages", MESSAGE_COLUMNS),
        ("licences", LICENCE_COLUMNS),
    ]);
    for k in 0..counts.tickets {
        let at = fill.at_fraction(k, counts.tickets);
        ticket(fill, &mut tables, customers, k as i64 + 1, at);
        tables.settle(conn).await?;
    }
    for k in 0..counts.licences {
        let at = fill.at_fraction(k, counts.licences);
        licence(fill, &mut tables, customers, products, k as i64 + 1, at);
        tables.settle(conn).await?;
    }
    let written = tables.finish(conn).await?;
    Ok(Written {
        tickets: written[TICKETS],
        licences: written[LICENCES],
    })
}

fn ticket(fill: &mut Fill<'_>, tables: &mut Tables, customers: &[Customer], number: i64, at: i64) {
    let customer = &customers[fill.rng.random_range(0..customers.len())];
    let age_days = (fill.now_ms - at) / DAY_MS;
    let roll = fill.rng.random_range(0..100);
    let status = match (age_days, roll) {
        (0..3, 0..60) | (3..14, 0..20) => "open",
        (0..3, _) | (3..14, 20..50) => "pending",
        (3..14, _) | (_, 0..30) => "resolved",
        _ => "closed",
    };
    let priority = match fill.rng.random_range(0..20) {
        0 => "urgent",
        1..4 => "high",
        4..16 => "normal",
        _ => "low",
    };
    // New, open tickets sometimes still wait in the team's queue.
    let assignee = if status == "open" && fill.chance(40) {
        None
    } else if fill.chance(10) {
        // The Owner helps out with the odd ticket, so their overview lists some.
        Some(fill.staff.everyone[0].clone())
    } else {
        Some(fill.pick(&fill.staff.support.clone()).to_owned())
    };
    let subject = names::pick(&mut fill.rng, TICKET_SUBJECTS);
    let id = fill.id();
    let mut when = at;
    let messages = if assignee.is_some() {
        fill.rng.random_range(1..=5)
    } else {
        0
    };
    for m in 0..messages {
        when = (when + fill.rng.random_range(DAY_MS / 48..DAY_MS)).min(fill.now_ms);
        let (kind, body) = if m % 3 == 2 {
            ("note", names::pick(&mut fill.rng, NOTES))
        } else {
            ("reply", names::pick(&mut fill.rng, REPLIES))
        };
        tables.push(
            MESSAGES,
            vec![
                fill.id().into(),
                fill.workspace.clone().into(),
                id.clone().into(),
                kind.into(),
                body.into(),
                assignee.clone().into(),
                when.into(),
            ],
        );
    }
    tables.push(
        TICKETS,
        vec![
            id.into(),
            fill.workspace.clone().into(),
            number.into(),
            subject.into(),
            subject.to_lowercase().into(),
            customer.id.clone().into(),
            status.into(),
            priority.into(),
            assignee.into(),
            Some(fill.staff.support_team.clone()).into(),
            when.into(),
            at.into(),
            when.into(),
            Some(fill.staff.everyone[0].clone()).into(),
        ],
    );
}

fn licence(
    fill: &mut Fill<'_>,
    tables: &mut Tables,
    customers: &[Customer],
    products: &[Product],
    number: i64,
    at: i64,
) {
    let customer = &customers[fill.rng.random_range(0..customers.len())];
    let product = &products[fill.rng.random_range(0..products.len())];
    let from = Fill::day_of(at);
    let months = if fill.chance(70) { 12 } else { 24 };
    let until = from
        .checked_add_months(Months::new(months))
        .and_then(|d| d.pred_opt())
        .unwrap_or(from);
    let suspended = fill.chance(4);
    let seats: i64 = if fill.chance(60) {
        fill.rng.random_range(1..=25)
    } else {
        fill.rng.random_range(26..=500)
    };
    tables.push(
        LICENCES,
        vec![
            fill.id().into(),
            fill.workspace.clone().into(),
            number.into(),
            product.id.clone().into(),
            customer.id.clone().into(),
            seats.into(),
            Fill::day_string(from).into(),
            Fill::day_string(until).into(),
            key::generate().into(),
            suspended
                .then_some((at + 30 * DAY_MS).min(fill.now_ms))
                .into(),
            if suspended {
                "Invoice overdue by sixty days."
            } else {
                ""
            }
            .into(),
            "".into(),
            customer.assignee.clone().into(),
            Some(fill.staff.sales_team.clone()).into(),
            at.into(),
            at.into(),
            Some(customer.assignee.clone()).into(),
        ],
    );
}
