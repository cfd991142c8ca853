//! Customer tags: short labels for finding and grouping customers. A customer carries a tag
//! once whatever its case (the lower-cased key decides); the list filters by one; a bulk
//! action puts one on many customers at once.

use std::collections::BTreeMap;

use serde_json::json;
use sqlx::Row;

use super::KIND;
use crate::model::{Customer, CustomerId};
use crate::permissions::{keys, Key};
use crate::server::access::grants::{Bulk, Grant};
use crate::server::platform::clock::Clock;
use crate::server::platform::db::Db;
use crate::server::platform::error::DomainError;
use crate::server::platform::text::LineField;
use crate::server::records::bulk::{self, in_clause, Selection};
use crate::server::records::sql::Sql;
use crate::server::records::{history, version};

/// The most tags one customer carries.
pub const MAX_TAGS: usize = 20;

/// One tag, cleaned: a single line of at most 40 characters, without commas (they separate
/// tags in the form).
pub fn clean_one(field: &'static str, raw: &str) -> Result<String, DomainError> {
    let tag = LineField {
        field,
        subject: "A tag",
        empty_message: "Enter a tag.",
        max_chars: 40,
    }
    .clean(raw)?;
    if tag.contains(',') {
        return Err(DomainError::invalid(field, "A tag can't contain a comma."));
    }
    Ok(tag)
}

/// The tags of a form, separated by commas: cleaned, one per key (the first spelling wins),
/// ordered by key, at most [`MAX_TAGS`].
pub fn clean_list(raw: &str) -> Result<Vec<String>, DomainError> {
    let mut by_key = BTreeMap::new();
    for part in raw.split(',').filter(|p| !p.trim().is_empty()) {
        let tag = clean_one("tags", part)?;
        by_key.entry(tag.to_lowercase()).or_insert(tag);
    }
    if by_key.len() > MAX_TAGS {
        return Err(DomainError::invalid(
            "tags",
            format!("Use at most {MAX_TAGS} tags."),
        ));
    }
    Ok(by_key.into_values().collect())
}

/// Fills in the tags of `customers`, all of the grant's workspace, in one statement.
pub(super) async fn attach<K: Key>(
    conn: &mut sqlx::AnyConnection,
    grant: &Grant<K>,
    customers: &mut [Customer],
) -> Result<(), DomainError> {
    if customers.is_empty() {
        return Ok(());
    }
    let mut sql = Sql::default();
    sql.push("SELECT t.customer_id, t.tag FROM customer_tags t WHERE t.workspace_id = ")
        .arg(grant.workspace().as_str())
        .push(" AND t.customer_id IN (");
    for (i, c) in customers.iter().enumerate() {
        if i > 0 {
            sql.push(", ");
        }
        sql.arg(c.id.as_str());
    }
    sql.push(") ORDER BY t.customer_id, t.tag_key");
    let mut by_customer: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for row in sql.query().fetch_all(&mut *conn).await? {
        by_customer
            .entry(row.try_get("customer_id")?)
            .or_default()
            .push(row.try_get("tag")?);
    }
    for c in customers {
        c.tags = by_customer.remove(c.id.as_str()).unwrap_or_default();
    }
    Ok(())
}

/// ` AND` the customer carries `tag` (any case).
pub(super) fn tag_clause(sql: &mut Sql, tag: &str) {
    sql.push(
        " AND EXISTS (SELECT 1 FROM customer_tags ft WHERE ft.workspace_id = c.workspace_id \
         AND ft.customer_id = c.id AND ft.tag_key = ",
    )
    .arg(tag.trim().to_lowercase())
    .push(")");
}

pub(super) async fn insert(
    conn: &mut sqlx::AnyConnection,
    workspace: &str,
    customer: &str,
    tag: &str,
) -> Result<(), DomainError> {
    sqlx::query(
        "INSERT INTO customer_tags (workspace_id, customer_id, tag, tag_key) \
         VALUES ($1, $2, $3, $4) ON CONFLICT (customer_id, tag_key) DO NOTHING",
    )
    .bind(workspace)
    .bind(customer)
    .bind(tag)
    .bind(tag.to_lowercase())
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Replaces the tags of a customer the grant reaches (else `NotFound`) that is still at
/// `version` (else `Conflict`); answers the customer as it now is.
pub async fn set(
    db: &Db,
    clock: &Clock,
    grant: &Grant<keys::CustomersWrite>,
    id: &CustomerId,
    expected: i64,
    raw: &str,
) -> Result<Customer, DomainError> {
    let tags = clean_list(raw)?;
    let mut tx = grant.begin(db, true).await?;
    let before = super::find(&mut tx, grant, id).await?;
    crate::server::privacy::restriction::refuse_if_restricted(
        &mut tx,
        grant.workspace(),
        id.as_str(),
    )
    .await?;
    version::claim(&mut tx, &KIND, grant, id.as_str(), expected, clock.now_ms()).await?;
    sqlx::query("DELETE FROM customer_tags WHERE workspace_id = $1 AND customer_id = $2")
        .bind(grant.workspace().as_str())
        .bind(id.as_str())
        .execute(&mut *tx)
        .await?;
    for tag in &tags {
        insert(&mut tx, grant.workspace().as_str(), id.as_str(), tag).await?;
    }
    let after = super::find(&mut tx, grant, id).await?;
    let event = history::Event {
        action: "tags_set",
        id: id.as_str(),
        before: Some(json!({ "tags": before.tags })),
        after: Some(json!({ "tags": after.tags })),
    };
    history::record(&mut tx, clock, grant, &KIND, event).await?;
    tx.commit().await?;
    Ok(after)
}

/// Puts the cleaned `tag` on customer `id` within the grant's reach (else `NotFound`), in the
/// caller's transaction, as a change of its tags; `false` when it carries the tag already.
pub async fn add_in(
    conn: &mut sqlx::AnyConnection,
    clock: &Clock,
    grant: &Grant<keys::CustomersWrite>,
    id: &CustomerId,
    tag: &str,
) -> Result<bool, DomainError> {
    let before = super::find(&mut *conn, grant, id).await?;
    if before
        .tags
        .iter()
        .any(|t| t.to_lowercase() == tag.to_lowercase())
    {
        return Ok(false);
    }
    if before.tags.len() >= MAX_TAGS {
        return Err(DomainError::invalid(
            "tag",
            format!("The customer already carries {MAX_TAGS} tags."),
        ));
    }
    let ws = grant.workspace();
    crate::server::privacy::restriction::refuse_if_restricted(&mut *conn, ws, id.as_str()).await?;
    let now = clock.now_ms();
    version::claim(&mut *conn, &KIND, grant, id.as_str(), before.version, now).await?;
    insert(&mut *conn, ws.as_str(), id.as_str(), tag).await?;
    let after = super::find(&mut *conn, grant, id).await?;
    let event = history::Event {
        action: "tags_set",
        id: id.as_str(),
        before: Some(json!({ "tags": before.tags })),
        after: Some(json!({ "tags": after.tags })),
    };
    history::record(&mut *conn, clock, grant, &KIND, event).await?;
    Ok(true)
}

/// Puts `tag` on every chosen customer (one that has it already keeps it), all or none, as one
/// audit entry; a customer left with more than [`MAX_TAGS`] refuses the whole action. Returns
/// how many customers were chosen.
pub async fn bulk_tag(
    db: &Db,
    clock: &Clock,
    bulk: &Bulk<'_, keys::CustomersWrite>,
    selection: &Selection,
    raw: &str,
) -> Result<usize, DomainError> {
    let tag = clean_one("tag", raw)?;
    let grant = bulk.grant();
    crate::server::privacy::restriction::refuse_if_any_restricted(db, grant, selection.ids())
        .await?;
    let mut tx = grant.begin(db, true).await?;
    bulk::check_reach(&mut tx, &KIND, grant, selection).await?;
    let ws = grant.workspace().as_str();
    for id in selection.ids() {
        insert(&mut tx, ws, id, &tag).await?;
    }
    let mut full = Sql::default();
    full.push("SELECT COUNT(*) AS n FROM customers WHERE customers.workspace_id = ")
        .arg(ws);
    in_clause(&mut full, "customers", selection);
    full.push(&format!(
        " AND (SELECT COUNT(*) FROM customer_tags t WHERE t.customer_id = customers.id) > {MAX_TAGS}"
    ));
    let over: i64 = full.query().fetch_one(&mut *tx).await?.try_get("n")?;
    if over > 0 {
        return Err(DomainError::invalid(
            "tag",
            format!(
                "Some of the chosen customers already carry {MAX_TAGS} tags; nothing was changed."
            ),
        ));
    }
    let mut bump = Sql::default();
    bump.push("UPDATE customers SET version = version + 1, updated_at = ")
        .int(clock.now_ms())
        .push(" WHERE workspace_id = ")
        .arg(ws);
    in_clause(&mut bump, "customers", selection);
    bump.query().execute(&mut *tx).await?;
    bulk::log(
        &mut tx,
        clock,
        grant,
        &KIND,
        "tag",
        selection,
        json!({ "tag": tag }),
    )
    .await?;
    tx.commit().await?;
    Ok(selection.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_list_keeps_one_spelling_per_key_in_key_order() {
        let tags = clean_list(" vip , Trade fair 2026,VIP,,  beta  ").unwrap();
        assert_eq!(tags, ["beta", "Trade fair 2026", "vip"]);
    }

    #[test]
    fn a_list_is_refused_past_the_limit_or_with_a_control_character() {
        let many = (0..=MAX_TAGS).map(|i| format!("t{i}")).collect::<Vec<_>>();
        assert!(clean_list(&many.join(",")).is_err());
        assert!(clean_list("ok,bad\u{7}tag").is_err());
        assert!(clean_list(&"x".repeat(41)).is_err());
        assert_eq!(clean_list("  ,  ").unwrap(), Vec::<String>::new());
    }

    #[test]
    fn one_tag_may_not_hold_a_comma() {
        assert!(clean_one("tag", "a,b").is_err());
        assert_eq!(clean_one("tag", "  key   account ").unwrap(), "key account");
    }
}
