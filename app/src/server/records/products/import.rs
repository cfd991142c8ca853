//! Products, declared importable: the catalogue's fields (the price only for holders of
//! `products.pricing`, the stock only for holders of `products.inventory`), each row checked by
//! the product form's own rules in the workspace's currency, duplicates found by SKU whatever
//! its case.

use std::collections::HashMap;

use sqlx::Row;

use super::form::{self, ProductForm, Valid};
use super::{duplicate_sku, insert_row, workspace_currency, KIND};
use crate::model::{ImportList, ImportPlan};
use crate::permissions::{keys, Key, Permission};
use crate::server::access::grants::Grant;
use crate::server::imports::kit::{FieldDef, Importer, Problem, Values};
use crate::server::platform::clock::Clock;
use crate::server::platform::error::DomainError;
use crate::server::records::rows;
use crate::server::records::scope::scope_filter;
use crate::server::records::sql::Sql;
use crate::server::records::version;

const FIELDS: [FieldDef; 7] = [
    FieldDef {
        key: "sku",
        label: "SKU",
        required: true,
        hint: "Required; finds an existing product.",
        aliases: &["article", "item code", "product code"],
    },
    FieldDef {
        key: "name",
        label: "Name",
        required: true,
        hint: "Required.",
        aliases: &["product", "title"],
    },
    FieldDef {
        key: "description",
        label: "Description",
        required: false,
        hint: "",
        aliases: &[],
    },
    FieldDef {
        key: "unit_price",
        label: "Unit price",
        required: false,
        hint: "1234.50; empty: 0.",
        aliases: &["price"],
    },
    FieldDef {
        key: "currency",
        label: "Currency",
        required: false,
        hint: "ISO 4217; empty: the workspace's.",
        aliases: &[],
    },
    FieldDef {
        key: "stock",
        label: "Stock",
        required: false,
        hint: "Whole units; empty: not tracked.",
        aliases: &["quantity", "in stock"],
    },
    FieldDef {
        key: "active",
        label: "Active",
        required: false,
        hint: "yes or no; empty: yes.",
        aliases: &["enabled"],
    },
];

/// The products import.
pub struct ProductImport;

/// One checked row, and the fields a column fills (an update sets only those).
pub struct ProductRow {
    valid: Valid,
    mapped: Vec<&'static str>,
}

fn active(raw: &str) -> Result<bool, Problem> {
    match raw.trim().to_lowercase().as_str() {
        "" | "yes" | "y" | "true" | "1" | "active" => Ok(true),
        "no" | "n" | "false" | "0" | "inactive" => Ok(false),
        _ => Err(Problem {
            field: "active",
            message: "Use yes or no.".into(),
        }),
    }
}

impl Importer for ProductImport {
    type Key = keys::ProductsWrite;
    type UpdateKey = keys::ProductsWrite;
    type Row = ProductRow;
    /// The workspace's currency.
    type Setup = String;

    const LIST: ImportList = ImportList::Products;
    const MATCH_FIELD: &'static str = "sku";

    fn fields(grant: &Grant<Self::Key>) -> Vec<FieldDef> {
        let pricing = grant.also_holds(Permission::ProductsPricing);
        let inventory = grant.also_holds(Permission::ProductsInventory);
        FIELDS
            .into_iter()
            .filter(|f| match f.key {
                "unit_price" | "currency" => pricing,
                "stock" => inventory,
                _ => true,
            })
            .collect()
    }

    fn check(currency: &String, values: &Values<'_>) -> Result<ProductRow, Problem> {
        let form = ProductForm {
            sku: values.text("sku").to_owned(),
            name: values.text("name").to_owned(),
            description: values.text("description").to_owned(),
            unit_price: values.text("unit_price").to_owned(),
            currency: values.text("currency").to_owned(),
            stock: values.text("stock").to_owned(),
            active: active(values.text("active"))?,
        };
        let valid = form::validate(&form, currency)?;
        let mapped = FIELDS
            .iter()
            .map(|f| f.key)
            .filter(|k| values.maps(k))
            .collect();
        Ok(ProductRow { valid, mapped })
    }

    fn match_key(row: &ProductRow) -> Option<String> {
        Some(row.valid.sku.to_lowercase())
    }

    async fn setup(
        conn: &mut sqlx::AnyConnection,
        grant: &Grant<Self::Key>,
        _: &ImportPlan,
    ) -> Result<String, DomainError> {
        workspace_currency(conn, grant).await
    }

    async fn existing<K: Key>(
        conn: &mut sqlx::AnyConnection,
        grant: &Grant<K>,
        skus: &[String],
    ) -> Result<HashMap<String, String>, DomainError> {
        let mut found = HashMap::new();
        if skus.is_empty() {
            return Ok(found);
        }
        let mut sql = rows::reachable(&KIND, "p.id, p.sku_key FROM products p", grant);
        sql.push(" AND p.sku_key IN (");
        for (i, sku) in skus.iter().enumerate() {
            if i > 0 {
                sql.push(", ");
            }
            sql.arg(sku.clone());
        }
        sql.push(")");
        for row in sql.query().fetch_all(&mut *conn).await? {
            found.insert(row.try_get("sku_key")?, row.try_get("id")?);
        }
        Ok(found)
    }

    async fn insert(
        conn: &mut sqlx::AnyConnection,
        clock: &Clock,
        grant: &Grant<Self::Key>,
        _: &String,
        row: &ProductRow,
    ) -> Result<(), DomainError> {
        insert_row(conn, clock, grant, &row.valid).await.map(drop)
    }

    async fn update(
        conn: &mut sqlx::AnyConnection,
        clock: &Clock,
        grant: &Grant<Self::UpdateKey>,
        id: &str,
        row: &ProductRow,
    ) -> Result<(), DomainError> {
        let v = &row.valid;
        let mut sql = Sql::default();
        sql.push("UPDATE products SET updated_at = ")
            .int(clock.now_ms());
        for key in &row.mapped {
            match *key {
                "name" => {
                    sql.push(", name = ").arg(v.name.clone());
                    sql.push(", name_key = ").arg(v.name.to_lowercase())
                }
                "description" => sql.push(", description = ").arg(v.description.clone()),
                "stock" => match v.stock {
                    Some(n) => sql.push(", stock = ").int(n),
                    None => sql.push(", stock = NULL"),
                },
                "active" => sql.push(", active = ").int(i64::from(v.active)),
                _ => &mut sql,
            };
        }
        if row
            .mapped
            .iter()
            .any(|k| ["unit_price", "currency"].contains(k))
        {
            sql.push(", unit_price_minor = ")
                .int(v.price.minor())
                .push(", currency = ")
                .arg(v.price.currency().code());
        }
        version::bump(&mut sql, &KIND);
        sql.push(" WHERE id IN (SELECT p.id FROM products p WHERE");
        scope_filter(&mut sql, &KIND, grant);
        sql.push(" AND p.id = ").arg(id).push(")");
        let changed = sql
            .query()
            .execute(&mut *conn)
            .await
            .map_err(duplicate_sku)?
            .rows_affected();
        if changed == 0 {
            return Err(DomainError::NotFound);
        }
        Ok(())
    }
}
