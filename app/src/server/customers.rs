//! Customers: the first workspace-owned record, and the proving ground of data scopes and
//! field-level security.
//!
//! Every statement binds the grant's workspace, and the grant's scope for `customers` becomes
//! part of the statement's WHERE clause (`scope_filter`) — lists, look-ups by id, updates and
//! deletes alike — so a record outside the caller's reach is never fetched, and answers
//! `NotFound` like a record that does not exist. Sensitive fields (`tax_id`) are removed here
//! for callers without `customers.sensitive`, and left untouched when such a caller saves.

use sqlx::Row;

use super::accounts::EmailAddress;
use super::clock::Clock;
use super::customer_sql::{cap_filter, scope_filter, Sql};
use super::db::Db;
use super::error::DomainError;
use super::grants::Grant;
use super::text::LineField;
use crate::model::{
    Customer, CustomerFormOptions, CustomerId, CustomerPage, TeamId, TeamOption, UserId,
};
use crate::permissions::{Permission, Scope};

pub const PAGE_SIZE: u32 = 50;
pub const MAX_PAGE_SIZE: u32 = 200;
const NOTES_MAX_CHARS: usize = 2000;

const COLUMNS: &str = "c.id, c.name, c.email, c.phone, c.company, c.tax_id, c.notes, \
     c.assigned_user_id, c.team_id, c.updated_at, u.display_name AS assignee, t.name AS team_name \
     FROM customers c LEFT JOIN users u ON u.id = c.assigned_user_id \
     LEFT JOIN teams t ON t.id = c.team_id";

fn from_row(row: &sqlx::any::AnyRow, sensitive: bool) -> Result<Customer, DomainError> {
    Ok(Customer {
        id: CustomerId::from_db(row.try_get("id")?),
        name: row.try_get("name")?,
        email: row.try_get("email")?,
        phone: row.try_get("phone")?,
        company: row.try_get("company")?,
        tax_id: if sensitive {
            Some(row.try_get("tax_id")?)
        } else {
            None
        },
        notes: row.try_get("notes")?,
        assigned_user_id: row
            .try_get::<Option<String>, _>("assigned_user_id")?
            .map(UserId::from_db),
        assigned_to: row.try_get("assignee")?,
        team_id: row
            .try_get::<Option<String>, _>("team_id")?
            .map(TeamId::from_db),
        team: row.try_get("team_name")?,
        updated_at_ms: row.try_get("updated_at")?,
    })
}

/// What a list asks for.
#[derive(Debug, Default, Clone)]
pub struct ListQuery {
    /// Matches name, email or company, without regard to case.
    pub search: String,
    /// The last id of the previous page.
    pub after: Option<String>,
    pub limit: Option<u32>,
}

fn like_pattern(search: &str) -> String {
    let escaped: String = search
        .trim()
        .to_lowercase()
        .chars()
        .flat_map(|c| match c {
            '%' | '_' | '\\' => vec!['\\', c],
            c => vec![c],
        })
        .collect();
    format!("%{escaped}%")
}

/// One page of the customers the grant reaches, by name. Needs `customers.read`.
pub async fn list(db: &Db, grant: &Grant, query: &ListQuery) -> Result<CustomerPage, DomainError> {
    let grant = grant.of(Permission::CustomersRead)?;
    let limit = query.limit.unwrap_or(PAGE_SIZE).clamp(1, MAX_PAGE_SIZE);
    let mut sql = Sql::default();
    sql.push("SELECT ").push(COLUMNS).push(" WHERE");
    scope_filter(&mut sql, grant);
    cap_filter(&mut sql, grant);
    if !query.search.trim().is_empty() {
        let pattern = like_pattern(&query.search);
        sql.push(" AND (c.name_key LIKE ")
            .arg(pattern.clone())
            .push(" ESCAPE '\\' OR lower(c.email) LIKE ")
            .arg(pattern.clone())
            .push(" ESCAPE '\\' OR lower(c.company) LIKE ")
            .arg(pattern)
            .push(" ESCAPE '\\')");
    }
    if let Some(after) = &query.after {
        // Keyset: strictly after the previous page's last row in (name_key, id) order. The
        // cursor row is looked up in the same workspace, so a foreign id finds nothing.
        sql.push(
            " AND (c.name_key, c.id) > (SELECT p.name_key, p.id FROM customers p WHERE p.id = ",
        )
        .arg(after.as_str())
        .push(" AND p.workspace_id = ")
        .arg(grant.workspace().as_str())
        .push(")");
    }
    sql.push(" ORDER BY c.name_key, c.id LIMIT ")
        .int(i64::from(limit) + 1);
    let mut tx = grant.begin(db, false).await?;
    let rows = sql.query().fetch_all(&mut *tx).await?;
    tx.commit().await?;
    let sensitive = grant.also_holds(Permission::CustomersSensitive);
    let mut items = rows
        .iter()
        .map(|r| from_row(r, sensitive))
        .collect::<Result<Vec<_>, _>>()?;
    let next = if items.len() > limit as usize {
        items.truncate(limit as usize);
        items.last().map(|c| c.id.as_str().to_owned())
    } else {
        None
    };
    Ok(CustomerPage { items, next })
}

/// How many customers the grant reaches (for the list's heading). Needs `customers.read`.
pub async fn count(db: &Db, grant: &Grant) -> Result<i64, DomainError> {
    let grant = grant.of(Permission::CustomersRead)?;
    let mut sql = Sql::default();
    sql.push("SELECT COUNT(*) AS n FROM customers c WHERE");
    scope_filter(&mut sql, grant);
    cap_filter(&mut sql, grant);
    let mut tx = grant.begin(db, false).await?;
    let n = sql.query().fetch_one(&mut *tx).await?.try_get("n")?;
    tx.commit().await?;
    Ok(n)
}

async fn find(
    conn: &mut sqlx::AnyConnection,
    grant: &Grant,
    id: &str,
) -> Result<Customer, DomainError> {
    let mut sql = Sql::default();
    sql.push("SELECT ").push(COLUMNS).push(" WHERE");
    scope_filter(&mut sql, grant);
    cap_filter(&mut sql, grant);
    sql.push(" AND c.id = ").arg(id);
    let row = sql
        .query()
        .fetch_optional(&mut *conn)
        .await?
        .ok_or(DomainError::NotFound)?;
    from_row(&row, grant.also_holds(Permission::CustomersSensitive))
}

/// One customer, if the grant reaches it; otherwise `NotFound`. Needs `customers.read`.
pub async fn get(db: &Db, grant: &Grant, id: &str) -> Result<Customer, DomainError> {
    let grant = grant.of(Permission::CustomersRead)?;
    let mut tx = grant.begin(db, false).await?;
    let customer = find(&mut tx, grant, id).await?;
    tx.commit().await?;
    Ok(customer)
}

/// The customer form as sent.
#[derive(Debug, Default, Clone)]
pub struct CustomerForm {
    pub name: String,
    pub email: String,
    pub phone: String,
    pub company: String,
    pub tax_id: String,
    pub notes: String,
    /// Empty: the caller.
    pub assigned_user_id: String,
    /// Empty: no team.
    pub team_id: String,
}

struct Valid {
    name: String,
    email: String,
    phone: String,
    company: String,
    tax_id: String,
    notes: String,
    assigned: UserId,
    team: Option<TeamId>,
}

fn optional_line(
    field: &'static str,
    subject: &'static str,
    raw: &str,
    max: usize,
) -> Result<String, DomainError> {
    Ok(LineField {
        field,
        subject,
        empty_message: "",
        max_chars: max,
    }
    .clean_optional(raw)?
    .unwrap_or_default())
}

/// Checks every field, the assignee and team against the workspace, and that the record stays
/// within the caller's scope.
async fn validate(
    conn: &mut sqlx::AnyConnection,
    grant: &Grant,
    form: &CustomerForm,
) -> Result<Valid, DomainError> {
    let name = LineField {
        field: "name",
        subject: "The name",
        empty_message: "Enter the customer's name.",
        max_chars: 200,
    }
    .clean(&form.name)?;
    let email = if form.email.trim().is_empty() {
        String::new()
    } else {
        EmailAddress::parse(&form.email)?.as_str().to_owned()
    };
    let phone = optional_line("phone", "The phone number", &form.phone, 40)?;
    if !phone
        .chars()
        .all(|c| c.is_ascii_digit() || " +-().".contains(c))
    {
        return Err(DomainError::invalid(
            "phone",
            "Use digits, spaces and + - ( ) . only.",
        ));
    }
    let company = optional_line("company", "The company", &form.company, 200)?;
    let tax_id = optional_line("tax_id", "The tax id", &form.tax_id, 50)?;
    let notes = form.notes.trim().to_owned();
    if notes
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\t' && c != '\r')
    {
        return Err(DomainError::invalid(
            "notes",
            "Notes can't contain control characters.",
        ));
    }
    if notes.chars().count() > NOTES_MAX_CHARS {
        return Err(DomainError::invalid(
            "notes",
            format!("Use at most {NOTES_MAX_CHARS} characters."),
        ));
    }
    let assigned = match form.assigned_user_id.trim() {
        "" => grant.user().clone(),
        id => {
            let row = sqlx::query(
                "SELECT user_id FROM memberships \
                 WHERE workspace_id = $1 AND user_id = $2 AND deactivated_at IS NULL",
            )
            .bind(grant.workspace().as_str())
            .bind(id)
            .fetch_optional(&mut *conn)
            .await?
            .ok_or_else(|| {
                DomainError::invalid(
                    "assigned_user_id",
                    "Choose an active member of this workspace.",
                )
            })?;
            UserId::from_db(row.try_get("user_id")?)
        }
    };
    let team = match form.team_id.trim() {
        "" => None,
        id => {
            let row = sqlx::query("SELECT id FROM teams WHERE workspace_id = $1 AND id = $2")
                .bind(grant.workspace().as_str())
                .bind(id)
                .fetch_optional(&mut *conn)
                .await?
                .ok_or_else(|| {
                    DomainError::invalid("team_id", "Choose a team of this workspace.")
                })?;
            Some(TeamId::from_db(row.try_get("id")?))
        }
    };
    if !within_scope(conn, grant, &assigned, team.as_ref()).await? {
        return Err(DomainError::invalid(
            "assigned_user_id",
            match grant.scope() {
                Scope::Assigned => "Your role reaches only customers assigned to you: assign it to yourself.",
                _ => "Your role does not reach customers assigned like this: choose yourself, or a team or colleague within your reach.",
            },
        ));
    }
    Ok(Valid {
        name,
        email,
        phone,
        company,
        tax_id,
        notes,
        assigned,
        team,
    })
}

/// Whether a record assigned to `assigned` (and `team`) is within the grant's scope, by the
/// same rules `scope_filter` applies to stored rows.
async fn within_scope(
    conn: &mut sqlx::AnyConnection,
    grant: &Grant,
    assigned: &UserId,
    team: Option<&TeamId>,
) -> Result<bool, DomainError> {
    let scope = grant.scope();
    if scope == Scope::All || assigned == grant.user() {
        return Ok(true);
    }
    if scope >= Scope::Team {
        if let Some(team) = team {
            let mine = sqlx::query(
                "SELECT 1 FROM team_members WHERE workspace_id = $1 AND team_id = $2 AND user_id = $3",
            )
            .bind(grant.workspace().as_str())
            .bind(team.as_str())
            .bind(grant.user().as_str())
            .fetch_optional(&mut *conn)
            .await?;
            if mine.is_some() {
                return Ok(true);
            }
        }
    }
    if scope == Scope::Department {
        let peer = sqlx::query(
            "SELECT 1 FROM memberships mine JOIN memberships peer \
             ON peer.workspace_id = mine.workspace_id AND peer.department_id = mine.department_id \
             WHERE mine.workspace_id = $1 AND mine.user_id = $2 AND peer.user_id = $3",
        )
        .bind(grant.workspace().as_str())
        .bind(grant.user().as_str())
        .bind(assigned.as_str())
        .fetch_optional(&mut *conn)
        .await?;
        return Ok(peer.is_some());
    }
    Ok(false)
}

/// Creates a customer in the grant's workspace. Needs `customers.write`.
pub async fn create(
    db: &Db,
    clock: &Clock,
    grant: &Grant,
    form: &CustomerForm,
) -> Result<Customer, DomainError> {
    let grant = grant.of(Permission::CustomersWrite)?;
    let mut tx = grant.begin(db, true).await?;
    let v = validate(&mut tx, grant, form).await?;
    // Without customers.sensitive one cannot see the field, so one does not set it either.
    let tax_id = if grant.also_holds(Permission::CustomersSensitive) {
        v.tax_id
    } else {
        String::new()
    };
    let id = CustomerId::fresh();
    let now = clock.now_ms();
    sqlx::query(
        "INSERT INTO customers (id, workspace_id, name, name_key, email, phone, company, tax_id, \
         notes, assigned_user_id, team_id, created_at, updated_at, created_by) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)",
    )
    .bind(id.as_str())
    .bind(grant.workspace().as_str())
    .bind(&v.name)
    .bind(v.name.to_lowercase())
    .bind(&v.email)
    .bind(&v.phone)
    .bind(&v.company)
    .bind(&tax_id)
    .bind(&v.notes)
    .bind(v.assigned.as_str())
    .bind(v.team.as_ref().map(|t| t.as_str().to_owned()))
    .bind(now)
    .bind(now)
    .bind(grant.user().as_str())
    .execute(&mut *tx)
    .await?;
    let customer = find(&mut tx, grant, id.as_str()).await?;
    tx.commit().await?;
    Ok(customer)
}

/// Changes a customer the grant reaches (else `NotFound`); it must stay within reach.
/// Needs `customers.write`. A caller without `customers.sensitive` leaves sensitive fields as
/// they are.
pub async fn update(
    db: &Db,
    clock: &Clock,
    grant: &Grant,
    id: &str,
    form: &CustomerForm,
) -> Result<Customer, DomainError> {
    let grant = grant.of(Permission::CustomersWrite)?;
    let mut tx = grant.begin(db, true).await?;
    find(&mut tx, grant, id).await?;
    let v = validate(&mut tx, grant, form).await?;
    let sensitive = grant.also_holds(Permission::CustomersSensitive);
    let mut sql = Sql::default();
    sql.push("UPDATE customers SET name = ")
        .arg(v.name.clone())
        .push(", name_key = ")
        .arg(v.name.to_lowercase())
        .push(", email = ")
        .arg(v.email)
        .push(", phone = ")
        .arg(v.phone)
        .push(", company = ")
        .arg(v.company)
        .push(", notes = ")
        .arg(v.notes)
        .push(", assigned_user_id = ")
        .arg(v.assigned.as_str())
        .push(", team_id = ");
    match &v.team {
        Some(team) => sql.arg(team.as_str()),
        None => sql.push("NULL"),
    };
    if sensitive {
        sql.push(", tax_id = ").arg(v.tax_id);
    }
    sql.push(", updated_at = ")
        .int(clock.now_ms())
        .push(" WHERE id IN (SELECT c.id FROM customers c WHERE");
    scope_filter(&mut sql, grant);
    sql.push(" AND c.id = ").arg(id).push(")");
    let done = sql.query().execute(&mut *tx).await?;
    if done.rows_affected() == 0 {
        return Err(DomainError::NotFound);
    }
    let customer = find(&mut tx, grant, id).await?;
    tx.commit().await?;
    Ok(customer)
}

/// Deletes a customer the grant reaches (else `NotFound`). Needs `customers.delete`.
pub async fn delete(db: &Db, grant: &Grant, id: &str) -> Result<(), DomainError> {
    let grant = grant.of(Permission::CustomersDelete)?;
    let mut sql = Sql::default();
    sql.push("DELETE FROM customers WHERE id IN (SELECT c.id FROM customers c WHERE");
    scope_filter(&mut sql, grant);
    cap_filter(&mut sql, grant);
    sql.push(" AND c.id = ").arg(id).push(")");
    let mut tx = grant.begin(db, true).await?;
    if sql.query().execute(&mut *tx).await?.rows_affected() == 0 {
        return Err(DomainError::NotFound);
    }
    tx.commit().await?;
    Ok(())
}

/// The members and teams a customer can be assigned to. Needs `customers.write`.
pub async fn form_options(db: &Db, grant: &Grant) -> Result<CustomerFormOptions, DomainError> {
    let grant = grant.of(Permission::CustomersWrite)?;
    let members = super::members::options(db, grant.workspace()).await?;
    let mut tx = grant.begin(db, false).await?;
    let teams = sqlx::query("SELECT id, name FROM teams WHERE workspace_id = $1 ORDER BY name, id")
        .bind(grant.workspace().as_str())
        .fetch_all(&mut *tx)
        .await?
        .iter()
        .map(|row| {
            Ok(TeamOption {
                id: TeamId::from_db(row.try_get("id")?),
                name: row.try_get("name")?,
            })
        })
        .collect::<Result<Vec<_>, DomainError>>()?;
    tx.commit().await?;
    Ok(CustomerFormOptions {
        members,
        teams,
        sees_sensitive: grant.also_holds(Permission::CustomersSensitive),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn search_patterns_escape_wildcards() {
        assert_eq!(like_pattern(" Ada "), "%ada%");
        assert_eq!(like_pattern("50%_off\\"), "%50\\%\\_off\\\\%");
    }
}
