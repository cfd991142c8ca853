//! Customers, declared importable: the fields a file may fill (the tax id only for holders of
//! `customers.sensitive`), each row checked by the customer form's own rules, duplicates found
//! by email among the customers the importer reaches. New customers are assigned to the
//! importer and the team they chose, like a customer they create by hand.

use std::collections::HashMap;

use sqlx::Row;

use super::form::{self, CustomerForm, Fields};
use super::{contacts, insert_row, tags, KIND};
use crate::model::{CustomerId, CustomerKind, ImportList, ImportPlan, WorkspaceId};
use crate::permissions::{keys, Key};
use crate::server::access::grants::Grant;
use crate::server::imports::kit::{FieldDef, Importer, Problem, Values};
use crate::server::platform::clock::Clock;
use crate::server::platform::error::DomainError;
use crate::server::records::assignment::{self, Assignment};
use crate::server::records::rows;
use crate::server::records::scope::scope_filter;
use crate::server::records::sql::Sql;
use crate::server::records::version;

const FIELDS: [FieldDef; 8] = [
    FieldDef {
        key: "name",
        label: "Name",
        required: true,
        hint: "Required.",
        aliases: &["customer", "full name", "company name"],
    },
    FieldDef {
        key: "kind",
        label: "Kind",
        required: false,
        hint: "company or person; empty: company.",
        aliases: &["type"],
    },
    FieldDef {
        key: "email",
        label: "Email",
        required: false,
        hint: "Finds an existing customer.",
        aliases: &["e-mail", "email address", "mail"],
    },
    FieldDef {
        key: "phone",
        label: "Phone",
        required: false,
        hint: "",
        aliases: &["telephone", "phone number", "tel"],
    },
    FieldDef {
        key: "company",
        label: "Company",
        required: false,
        hint: "",
        aliases: &["organisation", "organization", "employer"],
    },
    FieldDef {
        key: "tax_id",
        label: "Tax id",
        required: false,
        hint: "Sensitive.",
        aliases: &["vat", "vat number", "tax number"],
    },
    FieldDef {
        key: "tags",
        label: "Tags",
        required: false,
        hint: "Separated by ; or ,",
        aliases: &["labels"],
    },
    FieldDef {
        key: "notes",
        label: "Notes",
        required: false,
        hint: "",
        aliases: &["note", "comments"],
    },
];

/// The customers import.
pub struct CustomerImport;

/// One checked row.
pub struct CustomerRow {
    fields: Fields,
    /// `None` when no column fills the tags.
    tags: Option<Vec<String>>,
    /// The fields a column fills: an update sets these and leaves the rest.
    mapped: Vec<&'static str>,
}

impl Importer for CustomerImport {
    type Key = keys::CustomersImport;
    type UpdateKey = keys::CustomersWrite;
    type Row = CustomerRow;
    type Setup = Assignment;

    const LIST: ImportList = ImportList::Customers;
    const MATCH_FIELD: &'static str = "email";

    fn fields(grant: &Grant<Self::Key>) -> Vec<FieldDef> {
        let sensitive = KIND.shows(grant, "tax_id");
        FIELDS
            .into_iter()
            .filter(|f| sensitive || f.key != "tax_id")
            .collect()
    }

    fn check(_: &Assignment, values: &Values<'_>) -> Result<CustomerRow, Problem> {
        let form = CustomerForm {
            kind: values.text("kind").to_owned(),
            name: values.text("name").to_owned(),
            email: values.text("email").to_owned(),
            phone: values.text("phone").to_owned(),
            company: values.text("company").to_owned(),
            tax_id: values.text("tax_id").to_owned(),
            notes: values.text("notes").to_owned(),
            ..CustomerForm::default()
        };
        let fields = form::fields(&form)?;
        let tags = values
            .get("tags")
            .map(|raw| tags::clean_list(&raw.replace(';', ",")))
            .transpose()?;
        let mapped = FIELDS
            .iter()
            .map(|f| f.key)
            .filter(|k| values.maps(k))
            .collect();
        Ok(CustomerRow {
            fields,
            tags,
            mapped,
        })
    }

    fn match_key(row: &CustomerRow) -> Option<String> {
        Some(row.fields.email.to_lowercase()).filter(|e| !e.is_empty())
    }

    async fn setup(
        conn: &mut sqlx::AnyConnection,
        grant: &Grant<Self::Key>,
        plan: &ImportPlan,
    ) -> Result<Assignment, DomainError> {
        assignment::resolve(conn, grant, &KIND, "", &plan.team_id).await
    }

    async fn existing<K: Key>(
        conn: &mut sqlx::AnyConnection,
        grant: &Grant<K>,
        emails: &[String],
    ) -> Result<HashMap<String, String>, DomainError> {
        let mut found = HashMap::new();
        if emails.is_empty() {
            return Ok(found);
        }
        let mut sql = rows::reachable(&KIND, "c.id, lower(c.email) AS k FROM customers c", grant);
        sql.push(" AND lower(c.email) IN (");
        for (i, email) in emails.iter().enumerate() {
            if i > 0 {
                sql.push(", ");
            }
            sql.arg(email.clone());
        }
        sql.push(") ORDER BY c.id");
        for row in sql.query().fetch_all(&mut *conn).await? {
            found.entry(row.try_get("k")?).or_insert(row.try_get("id")?);
        }
        Ok(found)
    }

    async fn insert(
        conn: &mut sqlx::AnyConnection,
        clock: &Clock,
        grant: &Grant<Self::Key>,
        setup: &Assignment,
        row: &CustomerRow,
    ) -> Result<(), DomainError> {
        let id = insert_row(conn, clock, grant, &row.fields, setup).await?;
        for tag in row.tags.iter().flatten() {
            tags::insert(conn, grant.workspace().as_str(), id.as_str(), tag).await?;
        }
        Ok(())
    }

    async fn locked(
        conn: &mut sqlx::AnyConnection,
        workspace: &WorkspaceId,
    ) -> Result<HashMap<String, &'static str>, DomainError> {
        let restricted =
            crate::server::privacy::restriction::restricted_ids(conn, workspace).await?;
        Ok(restricted
            .into_iter()
            .map(|id| (id, crate::server::privacy::restriction::RESTRICTED))
            .collect())
    }

    async fn update(
        conn: &mut sqlx::AnyConnection,
        clock: &Clock,
        grant: &Grant<Self::UpdateKey>,
        id: &str,
        row: &CustomerRow,
    ) -> Result<(), DomainError> {
        let v = &row.fields;
        let id = CustomerId::from_db(id.to_owned());
        // Rows matching a restricted customer were refused while matching; one restricted since
        // then stops the write.
        crate::server::privacy::restriction::refuse_if_restricted(
            conn,
            grant.workspace(),
            id.as_str(),
        )
        .await?;
        let mut sql = Sql::default();
        sql.push("UPDATE customers SET updated_at = ")
            .int(clock.now_ms());
        for key in &row.mapped {
            match *key {
                "kind" => {
                    let kind = v.kind.unwrap_or_default();
                    if kind == CustomerKind::Person {
                        contacts::none_left(conn, grant, &id).await?;
                    }
                    sql.push(", kind = ").arg(kind.key())
                }
                "name" => {
                    sql.push(", name = ").arg(v.name.clone());
                    sql.push(", name_key = ").arg(v.name.to_lowercase())
                }
                "email" => sql.push(", email = ").arg(v.email.clone()),
                "phone" => sql.push(", phone = ").arg(v.phone.clone()),
                "company" => sql.push(", company = ").arg(v.company.clone()),
                "tax_id" if KIND.shows(grant, "tax_id") => {
                    sql.push(", tax_id = ").arg(v.tax_id.clone())
                }
                "notes" => sql.push(", notes = ").arg(v.notes.clone()),
                _ => &mut sql,
            };
        }
        version::bump(&mut sql, &KIND);
        sql.push(" WHERE id IN (SELECT c.id FROM customers c WHERE");
        scope_filter(&mut sql, &KIND, grant);
        sql.push(" AND c.id = ").arg(id.as_str()).push(")");
        if sql.query().execute(&mut *conn).await?.rows_affected() == 0 {
            return Err(DomainError::NotFound);
        }
        if let Some(new_tags) = &row.tags {
            sqlx::query("DELETE FROM customer_tags WHERE workspace_id = $1 AND customer_id = $2")
                .bind(grant.workspace().as_str())
                .bind(id.as_str())
                .execute(&mut *conn)
                .await?;
            for tag in new_tags {
                tags::insert(conn, grant.workspace().as_str(), id.as_str(), tag).await?;
            }
        }
        Ok(())
    }
}
