//! The demo catalogue: products with SKUs, list prices in the workspace's currency, and stock
//! for the goods (services track none).

use rand::Rng;
use sqlx::AnyConnection;

use super::draw::Fill;
use super::names;
use super::rows::Tables;

pub struct Product {
    pub id: String,
    pub sku: String,
    pub name: String,
    pub price_minor: i64,
    pub active: bool,
}

pub async fn write(
    conn: &mut AnyConnection,
    fill: &mut Fill<'_>,
    count: usize,
) -> Result<Vec<Product>, sqlx::Error> {
    let mut batch = Tables::new(&[(
        "products",
        &[
            "id",
            "workspace_id",
            "sku",
            "sku_key",
            "name",
            "name_key",
            "description",
            "unit_price_minor",
            "currency",
            "stock",
            "active",
            "created_at",
            "updated_at",
            "created_by",
        ],
    )]);
    let owner = fill.staff.everyone[0].clone();
    let mut products = Vec::with_capacity(count);
    for n in 0..count {
        let (name, list_price) = names::product(n);
        // Prices differ a little between catalogues, as they do between suppliers.
        let price_minor = list_price * fill.rng.random_range(90..=110) / 100;
        let initials: String = name
            .split_whitespace()
            .filter_map(|w| w.chars().find(char::is_ascii_alphanumeric))
            .collect::<String>()
            .to_uppercase();
        let sku = format!("{initials}-{:05}", n + 1);
        let service = name.contains("plan")
            || name.contains("day")
            || name.contains("workshop")
            || name.contains("audit")
            || name.contains("migration")
            || name.contains("seat")
            || name.contains("tier")
            || name.contains("licence")
            || name.contains("service");
        let stock = (!service).then(|| fill.rng.random_range(0..500i64));
        let active = !fill.chance(5);
        let created = fill.past_ms();
        let id = fill.id();
        let description = if service {
            format!("{name}, billed per unit; terms as agreed on the order.")
        } else {
            format!("{name}, shipped from stock within two working days.")
        };
        batch.push(
            0,
            vec![
                id.clone().into(),
                fill.workspace.clone().into(),
                sku.clone().into(),
                sku.to_lowercase().into(),
                name.clone().into(),
                name.to_lowercase().into(),
                description.into(),
                price_minor.into(),
                fill.currency.code().into(),
                stock.into(),
                i64::from(active).into(),
                created.into(),
                created.into(),
                Some(owner.clone()).into(),
            ],
        );
        batch.settle(conn).await?;
        products.push(Product {
            id,
            sku,
            name,
            price_minor,
            active,
        });
    }
    batch.finish(conn).await?;
    Ok(products)
}
