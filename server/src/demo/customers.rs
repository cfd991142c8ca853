//! Demo customers: companies, and people who buy for one, each looked after by a salesperson.

use rand::Rng;
use sqlx::AnyConnection;

use super::customer_parts::{self, Owner};
use super::draw::Fill;
use super::names::{self, CITIES};
use super::rows::Tables;

pub struct Customer {
    pub id: String,
    pub name: String,
    pub assignee: String,
}

/// Who a customer is: a company, or a person buying for one.
struct Identity {
    is_company: bool,
    domain: String,
    name: String,
    email: String,
    /// The company a person buys for; empty for a company.
    company_column: String,
}

fn identity(fill: &mut Fill<'_>, n: usize) -> Identity {
    let company = names::company(&mut fill.rng);
    let (first, last) = names::person(&mut fill.rng);
    let domain: String = company
        .split_whitespace()
        .next()
        .unwrap_or("example")
        .chars()
        .filter(char::is_ascii_alphabetic)
        .collect::<String>()
        .to_lowercase();
    // Numbered so that every address differs, as a real book of customers does.
    let is_company = fill.chance(60);
    let (name, email, company_column) = if is_company {
        (
            company.clone(),
            format!("accounts{n}@{domain}.example"),
            String::new(),
        )
    } else {
        let name = format!("{first} {last}");
        let email = format!("{}{n}@{domain}.example", names::email_local(&first, &last));
        (name, email, company.clone())
    };
    Identity {
        is_company,
        domain,
        name,
        email,
        company_column,
    }
}

pub async fn write(
    conn: &mut AnyConnection,
    fill: &mut Fill<'_>,
    count: usize,
) -> Result<Vec<Customer>, sqlx::Error> {
    let [contacts, addresses, tags] = customer_parts::TABLES;
    let mut batch = Tables::new(&[
        (
            "customers",
            &[
                "id",
                "workspace_id",
                "kind",
                "name",
                "name_key",
                "email",
                "phone",
                "company",
                "tax_id",
                "notes",
                "assigned_user_id",
                "team_id",
                "created_at",
                "updated_at",
                "created_by",
            ],
        ),
        contacts,
        addresses,
        tags,
    ]);
    // The Owner and the sales team look after customers.
    let sellers: Vec<String> = std::iter::once(fill.staff.everyone[0].clone())
        .chain(fill.staff.sales.iter().cloned())
        .collect();
    let mut customers = Vec::with_capacity(count);
    for n in 0..count {
        let Identity {
            is_company,
            domain,
            name,
            email,
            company_column,
        } = identity(fill, n);
        let (city, country) = CITIES[fill.rng.random_range(0..CITIES.len())];
        let phone = format!(
            "+{} {:03} {:04}",
            30 + n % 60,
            fill.rng.random_range(100..999),
            n % 10_000
        );
        let tax_id = if fill.chance(70) {
            format!("{country}{:09}", fill.rng.random_range(0..1_000_000_000u64))
        } else {
            String::new()
        };
        let notes = if fill.chance(30) {
            format!("Head office in {city}. Prefers email; invoices monthly.")
        } else {
            String::new()
        };
        let assignee = fill.pick(&sellers).to_owned();
        let created = fill.past_ms();
        let id = fill.id();
        let team = fill.chance(85).then(|| fill.staff.sales_team.clone());
        batch.push(
            0,
            vec![
                id.clone().into(),
                fill.workspace.clone().into(),
                if is_company { "company" } else { "person" }.into(),
                name.clone().into(),
                name.to_lowercase().into(),
                email.into(),
                phone.into(),
                company_column.into(),
                tax_id.into(),
                notes.into(),
                Some(assignee.clone()).into(),
                team.into(),
                created.into(),
                created.into(),
                Some(assignee.clone()).into(),
            ],
        );
        let owner = Owner {
            id: &id,
            company: is_company,
            domain: &domain,
            city,
            country,
            created,
        };
        customer_parts::push(&mut batch, 1, fill, &owner);
        batch.settle(conn).await?;
        customers.push(Customer { id, name, assignee });
    }
    batch.finish(conn).await?;
    Ok(customers)
}
