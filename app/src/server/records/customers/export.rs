//! Customers for an export: the list's own statement — scope, max-records cap, search, filters
//! and order, exactly as the person sees the list — read in large batches. The tax id is there
//! only for holders of `customers.sensitive`, as on every page.

use crate::model::Customer;
use crate::permissions::keys;
use crate::server::access::grants::{Export, Grant};
use crate::server::platform::db::Db;
use crate::server::platform::error::DomainError;
use crate::server::records::listing::Listing;

use super::{from_row, listing_sql, tags, ListQuery, KIND};

/// Rows per statement: large enough that the per-statement cost vanishes, small enough that a
/// batch of customers is a few hundred kilobytes.
pub const BATCH: u32 = 2_000;

/// Whether the export shows the tax id.
pub fn shows_tax_id(export: &Export<'_, keys::CustomersExport>) -> bool {
    KIND.shows(export.grant(), "tax_id")
}

/// Checks the request before anything is sent: a refused filter is named while an answer can
/// still say so, not half-way through a file. An export is of a list the caller may read, so
/// it takes the read grant beside the export proof.
pub async fn check(
    db: &Db,
    read: &Grant<keys::CustomersRead>,
    export: &Export<'_, keys::CustomersExport>,
    query: &ListQuery,
) -> Result<(), DomainError> {
    debug_assert_eq!(read.user(), export.grant().user());
    Listing::parse(db, read, &KIND, &query.list).await?;
    Ok(())
}

/// One batch of the export after `query.list.after`, and the cursor of the next, if any.
pub async fn batch(
    db: &Db,
    export: &Export<'_, keys::CustomersExport>,
    query: &ListQuery,
) -> Result<(Vec<Customer>, Option<String>), DomainError> {
    let grant = export.grant();
    let listing = Listing::parse(db, grant, &KIND, &query.list)
        .await?
        .in_batches_of(BATCH);
    let sql = listing_sql(&listing, grant, query);
    let mut tx = grant.begin(db, false).await?;
    let rows = sql.query().fetch_all(&mut *tx).await?;
    let sensitive = shows_tax_id(export);
    let mut items = rows
        .iter()
        .map(|r| from_row(r, sensitive))
        .collect::<Result<Vec<_>, _>>()?;
    let next = listing.cut(&mut items, |c| c.id.as_str().to_owned());
    tags::attach(&mut tx, grant, &mut items).await?;
    tx.commit().await?;
    Ok((items, next))
}
