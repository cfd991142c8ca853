//! The choices a quote or order form offers: the customers the writer's customer grant
//! reaches, the active products of the catalogue, and the members and teams to assign to.

use sqlx::Row;

use crate::model::{Choice, DocumentFormOptions};
use crate::permissions::keys;
use crate::server::access::grants::Grant;
use crate::server::platform::db::Db;
use crate::server::platform::error::DomainError;
use crate::server::records::money::{Currency, Money};
use crate::server::records::{customers, products, rows};
use crate::server::workspace::team_options::{self, ListsTeams};

/// The most choices of each kind a form lists.
const MAX_CHOICES: i64 = 500;

/// Choices for a document form; a list the caller has no grant for stays empty.
pub async fn form_options<K: ListsTeams>(
    db: &Db,
    grant: &Grant<K>,
    customer_grant: Option<&Grant<keys::CustomersRead>>,
    product_grant: Option<&Grant<keys::ProductsRead>>,
) -> Result<DocumentFormOptions, DomainError> {
    let mut tx = grant.begin(db, false).await?;
    let mut customer_choices = Vec::new();
    if let Some(g) = customer_grant {
        let mut sql = rows::reachable(
            &customers::KIND,
            "c.id, c.name, c.company FROM customers c",
            g,
        );
        sql.push(" ORDER BY c.name_key, c.id LIMIT ")
            .int(MAX_CHOICES);
        for row in sql.query().fetch_all(&mut *tx).await? {
            let (name, company): (String, String) = (row.try_get("name")?, row.try_get("company")?);
            customer_choices.push(Choice {
                id: row.try_get("id")?,
                label: if company.is_empty() {
                    name
                } else {
                    format!("{name} ({company})")
                },
            });
        }
    }
    let mut product_choices = Vec::new();
    if let Some(g) = product_grant {
        let mut sql = rows::reachable(
            &products::KIND,
            "p.id, p.sku, p.name, p.unit_price_minor, p.currency FROM products p",
            g,
        );
        sql.push(" AND p.active = 1 ORDER BY p.name_key, p.id LIMIT ")
            .int(MAX_CHOICES);
        for row in sql.query().fetch_all(&mut *tx).await? {
            let currency = Currency::parse(&row.try_get::<String, _>("currency")?, "currency")?;
            let price = Money::from_minor(row.try_get("unit_price_minor")?, currency);
            product_choices.push(Choice {
                id: row.try_get("id")?,
                label: format!(
                    "{} · {} · {}",
                    row.try_get::<String, _>("sku")?,
                    row.try_get::<String, _>("name")?,
                    price.display()
                ),
            });
        }
    }
    tx.commit().await?;
    Ok(DocumentFormOptions {
        customers: customer_choices,
        products: product_choices,
        members: crate::server::workspace::members::options(db, grant.workspace()).await?,
        teams: team_options::list(db, grant).await?,
    })
}
