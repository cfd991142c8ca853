//! Demo customers' parts: the people to talk to at a company, where to send invoices and goods,
//! and the tags a sales team sorts its book by.

use rand::Rng;

use super::draw::Fill;
use super::names::{self, pick};
use super::rows::Tables;

/// The three tables, in the order [`Tables`] takes them after the customers.
pub const TABLES: [(&str, &[&str]); 3] = [
    (
        "customer_contacts",
        &[
            "id",
            "workspace_id",
            "customer_id",
            "name",
            "role",
            "email",
            "phone",
            "created_at",
        ],
    ),
    (
        "customer_addresses",
        &[
            "id",
            "workspace_id",
            "customer_id",
            "kind",
            "street",
            "city",
            "postcode",
            "country",
            "created_at",
        ],
    ),
    (
        "customer_tags",
        &["workspace_id", "customer_id", "tag", "tag_key"],
    ),
];

const ROLES: &[&str] = &[
    "Buyer",
    "Head of Finance",
    "Operations Manager",
    "CTO",
    "Office Manager",
    "Procurement Lead",
    "Accounts Payable",
];

const STREETS: &[&str] = &[
    "High Street",
    "Station Road",
    "Market Square",
    "Harbour Way",
    "Mill Lane",
    "Park Avenue",
    "Church Street",
    "Riverside",
];

const TAGS: &[&str] = &[
    "VIP",
    "Key account",
    "Partner",
    "Reseller",
    "Trade fair 2026",
    "Newsletter",
    "At risk",
    "Renewal due",
    "Public sector",
    "Startup",
];

/// One demo customer as its parts need it.
pub struct Owner<'a> {
    pub id: &'a str,
    /// Whether it is a company (with contact persons) rather than a person.
    pub company: bool,
    pub domain: &'a str,
    pub city: &'a str,
    pub country: &'a str,
    pub created: i64,
}

/// Queues the parts of one customer into `batch`, whose tables from `first` on are [`TABLES`].
pub fn push(batch: &mut Tables, first: usize, fill: &mut Fill<'_>, c: &Owner<'_>) {
    let ws = fill.workspace.clone();
    if c.company {
        for _ in 0..fill.rng.random_range(1..=3) {
            let (given, family) = names::person(&mut fill.rng);
            let email = format!(
                "{}@{}.example",
                names::email_local(&given, &family),
                c.domain
            );
            let phone = format!(
                "+44 20 {:04} {:04}",
                fill.rng.random_range(1000..9999),
                fill.rng.random_range(0..9999)
            );
            let role = pick(&mut fill.rng, ROLES);
            batch.push(
                first,
                vec![
                    fill.id().into(),
                    ws.clone().into(),
                    c.id.to_owned().into(),
                    format!("{given} {family}").into(),
                    role.to_owned().into(),
                    email.into(),
                    phone.into(),
                    c.created.into(),
                ],
            );
        }
    }
    let kinds: &[&str] = if fill.chance(30) {
        &["billing", "shipping"]
    } else if fill.chance(85) {
        &["billing"]
    } else {
        &[]
    };
    for kind in kinds {
        let street = format!(
            "{} {}",
            fill.rng.random_range(1..200),
            pick(&mut fill.rng, STREETS)
        );
        let postcode = format!("{:05}", fill.rng.random_range(1000..99999));
        batch.push(
            first + 1,
            vec![
                fill.id().into(),
                ws.clone().into(),
                c.id.to_owned().into(),
                (*kind).to_owned().into(),
                street.into(),
                c.city.to_owned().into(),
                postcode.into(),
                c.country.to_owned().into(),
                c.created.into(),
            ],
        );
    }
    let mut chosen: Vec<&str> = Vec::new();
    while fill.chance(if chosen.is_empty() { 55 } else { 30 }) && chosen.len() < 3 {
        let tag = pick(&mut fill.rng, TAGS);
        if !chosen.contains(&tag) {
            chosen.push(tag);
        }
    }
    for tag in chosen {
        batch.push(
            first + 2,
            vec![
                ws.clone().into(),
                c.id.to_owned().into(),
                tag.to_owned().into(),
                tag.to_lowercase().into(),
            ],
        );
    }
}
