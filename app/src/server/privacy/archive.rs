//! The archive an access or portability request is answered with: everything the workspace
//! holds about the customer as one JSON document (`data.json`: the customer, contacts,
//! addresses, tags, quotes and their lines, orders and their lines, payments and refunds,
//! licences, tickets and their messages, and the list of files), plus the files themselves
//! under `files/`, in one zip. Money is in minor units with its currency, times in milliseconds
//! since the epoch, days as `YYYY-MM-DD`.
//!
//! What the archive holds is declared once, in [`HOLDINGS`]: a table a new record type adds
//! that names a customer belongs there too.

use std::io::Write as _;

use sqlx::Row;

use crate::model::WorkspaceId;
use crate::permissions::keys;
use crate::server::access::audit::{self, Change};
use crate::server::access::grants::Grant;
use crate::server::files::names;
use crate::server::files::storage::Storage;
use crate::server::platform::clock::Clock;
use crate::server::platform::db::Db;
use crate::server::platform::digest::sha256_hex;
use crate::server::platform::error::DomainError;

use super::handling::{add_step, load};
use super::requests::{reference, Kind, Status};

/// A column and how it is read.
enum Col {
    Text(&'static str),
    Int(&'static str),
}
use Col::{Int, Text};

/// One kind of data about a customer: its key in `data.json`, and the query that selects it
/// (`$1` the workspace, `$2` the customer).
struct Holding {
    key: &'static str,
    sql: &'static str,
    cols: &'static [Col],
}

/// Everything the archive holds, in the order `data.json` lists it.
const HOLDINGS: &[Holding] = &[
    Holding {
        key: "customer",
        sql: "SELECT id, kind, name, email, phone, company, tax_id, notes, created_at, updated_at \
              FROM customers WHERE workspace_id = $1 AND id = $2",
        cols: &[
            Text("id"),
            Text("kind"),
            Text("name"),
            Text("email"),
            Text("phone"),
            Text("company"),
            Text("tax_id"),
            Text("notes"),
            Int("created_at"),
            Int("updated_at"),
        ],
    },
    Holding {
        key: "contacts",
        sql: "SELECT id, name, role, email, phone, created_at FROM customer_contacts \
              WHERE workspace_id = $1 AND customer_id = $2 ORDER BY created_at, id",
        cols: &[
            Text("id"),
            Text("name"),
            Text("role"),
            Text("email"),
            Text("phone"),
            Int("created_at"),
        ],
    },
    Holding {
        key: "addresses",
        sql:
            "SELECT id, kind, street, city, postcode, country, created_at FROM customer_addresses \
              WHERE workspace_id = $1 AND customer_id = $2 ORDER BY created_at, id",
        cols: &[
            Text("id"),
            Text("kind"),
            Text("street"),
            Text("city"),
            Text("postcode"),
            Text("country"),
            Int("created_at"),
        ],
    },
    Holding {
        key: "tags",
        sql: "SELECT tag FROM customer_tags WHERE workspace_id = $1 AND customer_id = $2 \
              ORDER BY tag_key",
        cols: &[Text("tag")],
    },
    Holding {
        key: "quotes",
        sql: "SELECT id, number, title, status, valid_until, currency, subtotal_minor, tax_minor, \
              total_minor, notes, created_at FROM quotes \
              WHERE workspace_id = $1 AND customer_id = $2 ORDER BY number",
        cols: &[
            Text("id"),
            Int("number"),
            Text("title"),
            Text("status"),
            Text("valid_until"),
            Text("currency"),
            Int("subtotal_minor"),
            Int("tax_minor"),
            Int("total_minor"),
            Text("notes"),
            Int("created_at"),
        ],
    },
    Holding {
        key: "quote_lines",
        sql: "SELECT quote_id, position, sku, name, quantity, unit_price_minor, discount_bp, \
              total_minor FROM quote_lines WHERE workspace_id = $1 AND quote_id IN \
              (SELECT id FROM quotes WHERE workspace_id = $1 AND customer_id = $2) \
              ORDER BY quote_id, position",
        cols: &[
            Text("quote_id"),
            Int("position"),
            Text("sku"),
            Text("name"),
            Int("quantity"),
            Int("unit_price_minor"),
            Int("discount_bp"),
            Int("total_minor"),
        ],
    },
    Holding {
        key: "orders",
        sql: "SELECT id, number, quote_id, status, currency, subtotal_minor, tax_minor, \
              total_minor, notes, created_at FROM orders \
              WHERE workspace_id = $1 AND customer_id = $2 ORDER BY number",
        cols: &[
            Text("id"),
            Int("number"),
            Text("quote_id"),
            Text("status"),
            Text("currency"),
            Int("subtotal_minor"),
            Int("tax_minor"),
            Int("total_minor"),
            Text("notes"),
            Int("created_at"),
        ],
    },
    Holding {
        key: "order_lines",
        sql: "SELECT order_id, position, sku, name, quantity, unit_price_minor, discount_bp, \
              total_minor FROM order_lines WHERE workspace_id = $1 AND order_id IN \
              (SELECT id FROM orders WHERE workspace_id = $1 AND customer_id = $2) \
              ORDER BY order_id, position",
        cols: &[
            Text("order_id"),
            Int("position"),
            Text("sku"),
            Text("name"),
            Int("quantity"),
            Int("unit_price_minor"),
            Int("discount_bp"),
            Int("total_minor"),
        ],
    },
    Holding {
        key: "payments",
        sql: "SELECT id, order_id, method, amount_minor, refunded_minor, currency, reference, \
              paid_on FROM payments WHERE workspace_id = $1 AND order_id IN \
              (SELECT id FROM orders WHERE workspace_id = $1 AND customer_id = $2) \
              ORDER BY paid_on, id",
        cols: &[
            Text("id"),
            Text("order_id"),
            Text("method"),
            Int("amount_minor"),
            Int("refunded_minor"),
            Text("currency"),
            Text("reference"),
            Text("paid_on"),
        ],
    },
    Holding {
        key: "refunds",
        sql: "SELECT f.id, f.payment_id, f.amount_minor, f.created_at FROM refunds f \
              JOIN payments p ON p.workspace_id = f.workspace_id AND p.id = f.payment_id \
              WHERE f.workspace_id = $1 AND p.order_id IN \
              (SELECT id FROM orders WHERE workspace_id = $1 AND customer_id = $2) \
              ORDER BY f.created_at, f.id",
        cols: &[
            Text("id"),
            Text("payment_id"),
            Int("amount_minor"),
            Int("created_at"),
        ],
    },
    Holding {
        key: "licences",
        sql: "SELECT id, number, product_id, seats, valid_from, valid_until, licence_key, \
              suspended_at, notes FROM licences WHERE workspace_id = $1 AND customer_id = $2 \
              ORDER BY number",
        cols: &[
            Text("id"),
            Int("number"),
            Text("product_id"),
            Int("seats"),
            Text("valid_from"),
            Text("valid_until"),
            Text("licence_key"),
            Int("suspended_at"),
            Text("notes"),
        ],
    },
    Holding {
        key: "tickets",
        sql: "SELECT id, number, subject, status, priority, created_at FROM tickets \
              WHERE workspace_id = $1 AND customer_id = $2 ORDER BY number",
        cols: &[
            Text("id"),
            Int("number"),
            Text("subject"),
            Text("status"),
            Text("priority"),
            Int("created_at"),
        ],
    },
    Holding {
        key: "ticket_messages",
        sql: "SELECT ticket_id, kind, body, created_at FROM ticket_messages \
              WHERE workspace_id = $1 AND ticket_id IN \
              (SELECT id FROM tickets WHERE workspace_id = $1 AND customer_id = $2) \
              ORDER BY created_at, id",
        cols: &[
            Text("ticket_id"),
            Text("kind"),
            Text("body"),
            Int("created_at"),
        ],
    },
];

/// The files about a customer: on the customer, or on their orders, payments or tickets.
/// Erasure removes the same set.
pub(super) const FILES_WHERE: &str = "workspace_id = $1 AND (customer_id = $2 \
     OR order_id IN (SELECT id FROM orders WHERE workspace_id = $1 AND customer_id = $2) \
     OR ticket_id IN (SELECT id FROM tickets WHERE workspace_id = $1 AND customer_id = $2) \
     OR payment_id IN (SELECT p.id FROM payments p WHERE p.workspace_id = $1 AND p.order_id IN \
        (SELECT id FROM orders WHERE workspace_id = $1 AND customer_id = $2)))";

/// The archive refuses to gather more than this many bytes of files (it is built in memory).
const MAX_FILE_BYTES: i64 = 512 * 1024 * 1024;

/// A built archive.
pub struct Archive {
    pub bytes: Vec<u8>,
    pub file_name: String,
    pub records: usize,
    pub files: usize,
    pub sha256: String,
}

fn row_json(row: &sqlx::any::AnyRow, cols: &[Col]) -> Result<serde_json::Value, DomainError> {
    let mut object = serde_json::Map::new();
    for col in cols {
        let (name, value) = match col {
            Text(name) => (
                *name,
                serde_json::json!(row.try_get::<Option<String>, _>(*name)?),
            ),
            Int(name) => (
                *name,
                serde_json::json!(row.try_get::<Option<i64>, _>(*name)?),
            ),
        };
        object.insert(name.to_owned(), value);
    }
    Ok(serde_json::Value::Object(object))
}

/// A stored file's name as a zip entry under `files/`, numbered in the archive's order.
fn entry_name(index: usize, name: &str) -> String {
    format!("files/{:03}-{}", index + 1, names::zip_safe(name))
}

fn zip_error(e: impl std::fmt::Display) -> DomainError {
    DomainError::Internal(format!("privacy archive: {e}"))
}

/// Gathers the archive of `customer` for request `number` in a read of its own.
pub(super) async fn assemble(
    db: &Db,
    clock: &Clock,
    storage: &Storage,
    workspace: &WorkspaceId,
    number: i64,
    customer: &str,
) -> Result<Archive, DomainError> {
    let mut tx = db.begin_in(workspace, false).await?;
    let mut data = serde_json::Map::new();
    data.insert("format".into(), "gatehouse.privacy-archive/1".into());
    data.insert("request".into(), reference(number).into());
    data.insert("generated_at_ms".into(), clock.now_ms().into());
    let mut records = 0;
    for holding in HOLDINGS {
        let rows = sqlx::query(holding.sql)
            .bind(workspace.as_str())
            .bind(customer)
            .fetch_all(&mut *tx)
            .await?;
        records += rows.len();
        let values = rows
            .iter()
            .map(|row| row_json(row, holding.cols))
            .collect::<Result<Vec<_>, _>>()?;
        let value = if holding.key == "customer" {
            values.into_iter().next().unwrap_or(serde_json::Value::Null)
        } else {
            serde_json::Value::Array(values)
        };
        data.insert(holding.key.into(), value);
    }
    let files = sqlx::query(&format!(
        "SELECT id, purpose, name, size, content_type, sha256, object_key, sealed, created_at \
         FROM files WHERE {FILES_WHERE} ORDER BY created_at, id"
    ))
    .bind(workspace.as_str())
    .bind(customer)
    .fetch_all(&mut *tx)
    .await?;
    tx.commit().await?;
    let total: i64 = files
        .iter()
        .map(|f| f.try_get::<i64, _>("size").unwrap_or(0))
        .sum();
    if total > MAX_FILE_BYTES {
        return Err(DomainError::Conflict(
            "This customer's files are too large for one archive (over 512 MiB).".into(),
        ));
    }
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default();
    let mut listed = Vec::new();
    for (index, file) in files.iter().enumerate() {
        let name: String = file.try_get("name")?;
        let entry = entry_name(index, &name);
        let bytes = storage
            .read(
                &file.try_get::<String, _>("object_key")?,
                file.try_get::<i64, _>("sealed")? == 1,
            )
            .await
            .map_err(zip_error)?;
        zip.start_file(entry.as_str(), options).map_err(zip_error)?;
        zip.write_all(&bytes).map_err(zip_error)?;
        listed.push(serde_json::json!({
            "id": file.try_get::<String, _>("id")?,
            "purpose": file.try_get::<String, _>("purpose")?,
            "name": name,
            "size": file.try_get::<i64, _>("size")?,
            "content_type": file.try_get::<String, _>("content_type")?,
            "sha256": file.try_get::<String, _>("sha256")?,
            "created_at": file.try_get::<i64, _>("created_at")?,
            "path": entry,
        }));
    }
    data.insert("files".into(), serde_json::Value::Array(listed));
    let json = serde_json::to_vec_pretty(&serde_json::Value::Object(data)).map_err(zip_error)?;
    zip.start_file("data.json", options).map_err(zip_error)?;
    zip.write_all(&json).map_err(zip_error)?;
    let bytes = zip.finish().map_err(zip_error)?.into_inner();
    Ok(Archive {
        file_name: format!("privacy-{}.zip", reference(number)),
        records,
        files: files.len(),
        sha256: sha256_hex(&bytes),
        bytes,
    })
}

crate::redacted_debug!(Archive {
    file_name,
    records,
    files,
    sha256
});

impl Archive {
    /// What the trail and the timeline say of it.
    pub(super) fn described(&self, customer: &str, request: &str) -> serde_json::Value {
        serde_json::json!({
            "request": request,
            "customer": customer,
            "records": self.records,
            "files": self.files,
            "bytes": self.bytes.len(),
            "sha256": self.sha256,
        })
    }
}

/// Builds the archive of an access or portability request's customer, once the request is
/// verified, and records that it was taken: a step on the request and `privacy.archive` in
/// the trail, with the archive's size and SHA-256. Needs `privacy.process`.
pub async fn build(
    db: &Db,
    clock: &Clock,
    storage: &Storage,
    grant: &Grant<keys::PrivacyProcess>,
    id: &str,
) -> Result<Archive, DomainError> {
    let workspace = grant.workspace();
    let mut tx = grant.begin(db, false).await?;
    let open = load(&mut tx, workspace, id).await?;
    tx.commit().await?;
    if !matches!(open.kind, Kind::Access | Kind::Portability) {
        return Err(DomainError::Conflict(
            "Only requests for a copy of the data have an archive.".into(),
        ));
    }
    if !matches!(
        open.status,
        Status::Verified | Status::InProgress | Status::Completed
    ) {
        return Err(DomainError::Conflict(
            "Verify the request before preparing its archive.".into(),
        ));
    }
    let customer = open.customer_id.clone().ok_or_else(|| {
        DomainError::Conflict("Find the customer this request is about first.".into())
    })?;
    let archive = assemble(db, clock, storage, workspace, open.number, &customer).await?;
    let now = clock.now_ms();
    let mut tx = grant.begin(db, true).await?;
    let body = format!(
        "Archive prepared: {} records and {} files, {} bytes, SHA-256 {}.",
        archive.records,
        archive.files,
        archive.bytes.len(),
        archive.sha256
    );
    add_step(
        &mut tx,
        workspace,
        &open.id,
        Some(grant.user()),
        None,
        &body,
        now,
    )
    .await?;
    sqlx::query(
        "UPDATE privacy_requests SET archive_taken_at = $1 WHERE workspace_id = $2 AND id = $3",
    )
    .bind(now)
    .bind(workspace.as_str())
    .bind(&open.id)
    .execute(&mut *tx)
    .await?;
    let change = Change {
        action: "privacy.archive",
        target: &open.id,
        before: None,
        after: Some(archive.described(&customer, &open.id)),
    };
    audit::record(&mut tx, clock, grant.acting(), change).await?;
    tx.commit().await?;
    Ok(archive)
}

/// Whether an archive of the request was prepared (its step is on the timeline).
pub(super) async fn was_prepared(
    conn: &mut sqlx::AnyConnection,
    workspace: &WorkspaceId,
    request: &str,
) -> Result<bool, DomainError> {
    Ok(sqlx::query(
        "SELECT 1 AS found FROM privacy_requests WHERE workspace_id = $1 AND id = $2 \
         AND archive_taken_at IS NOT NULL",
    )
    .bind(workspace.as_str())
    .bind(request)
    .fetch_optional(&mut *conn)
    .await?
    .is_some())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_cannot_leave_the_files_folder() {
        assert_eq!(
            entry_name(0, "../../etc/passwd"),
            "files/001-_.._etc_passwd"
        );
        assert_eq!(entry_name(9, "scan 1.pdf"), "files/010-scan_1.pdf");
        assert_eq!(entry_name(1, ".hidden"), "files/002-hidden");
    }
}
