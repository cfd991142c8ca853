//! A customer's parts — contact persons and addresses — read with the customer's reach and
//! changed as a change of the customer: the customer must be within the writer's reach (else
//! `NotFound`) and still at the version the writer saw (else `Conflict`); its version moves on,
//! and the record's history shows the list before and after, in the same transaction.

use serde_json::json;
use sqlx::Row;

use super::KIND;
use crate::model::{
    Address, AddressId, AddressKind, Contact, ContactId, CustomerId, CustomerKind, CustomerParts,
};
use crate::permissions::{keys, Key};
use crate::server::access::grants::Grant;
use crate::server::platform::clock::Clock;
use crate::server::platform::db::Db;
use crate::server::platform::error::DomainError;
use crate::server::records::{history, version};

async fn contacts(
    conn: &mut sqlx::AnyConnection,
    workspace: &str,
    customer: &str,
) -> Result<Vec<Contact>, DomainError> {
    let rows = sqlx::query(
        "SELECT id, name, role, email, phone FROM customer_contacts \
         WHERE workspace_id = $1 AND customer_id = $2 ORDER BY created_at, id",
    )
    .bind(workspace)
    .bind(customer)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(Contact {
                id: ContactId::from_db(r.try_get("id")?),
                name: r.try_get("name")?,
                role: r.try_get("role")?,
                email: r.try_get("email")?,
                phone: r.try_get("phone")?,
            })
        })
        .collect()
}

async fn addresses(
    conn: &mut sqlx::AnyConnection,
    workspace: &str,
    customer: &str,
) -> Result<Vec<Address>, DomainError> {
    let rows = sqlx::query(
        "SELECT id, kind, street, city, postcode, country FROM customer_addresses \
         WHERE workspace_id = $1 AND customer_id = $2 ORDER BY created_at, id",
    )
    .bind(workspace)
    .bind(customer)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|r| {
            let kind: String = r.try_get("kind")?;
            let country: String = r.try_get("country")?;
            Ok(Address {
                id: AddressId::from_db(r.try_get("id")?),
                kind: AddressKind::parse(&kind)
                    .ok_or_else(|| DomainError::Internal(format!("address kind {kind}")))?,
                street: r.try_get("street")?,
                city: r.try_get("city")?,
                postcode: r.try_get("postcode")?,
                country_name: super::countries::name(&country),
                country,
            })
        })
        .collect()
}

/// The kind and parts of customer `id`, which must be within the grant's reach (the customer
/// itself is looked up first, so parts of a customer out of reach are never read).
async fn load_with_kind<K: Key>(
    conn: &mut sqlx::AnyConnection,
    grant: &Grant<K>,
    id: &CustomerId,
) -> Result<(CustomerKind, CustomerParts), DomainError> {
    let customer = super::find(conn, grant, id).await?;
    let ws = grant.workspace().as_str();
    let parts = CustomerParts {
        contacts: contacts(conn, ws, id.as_str()).await?,
        addresses: addresses(conn, ws, id.as_str()).await?,
        version: customer.version,
    };
    Ok((customer.kind, parts))
}

/// The parts of customer `id`, which must be within the grant's reach.
pub(super) async fn load<K: Key>(
    conn: &mut sqlx::AnyConnection,
    grant: &Grant<K>,
    id: &CustomerId,
) -> Result<CustomerParts, DomainError> {
    Ok(load_with_kind(conn, grant, id).await?.1)
}

/// A customer's contact persons and addresses, if the grant reaches it; otherwise `NotFound`.
pub async fn get(
    db: &Db,
    grant: &Grant<keys::CustomersRead>,
    id: &CustomerId,
) -> Result<CustomerParts, DomainError> {
    let mut tx = grant.begin(db, false).await?;
    let parts = load(&mut tx, grant, id).await?;
    tx.commit().await?;
    Ok(parts)
}

/// Which list a change touches, and how its history entry is named.
#[derive(Clone, Copy)]
pub(super) enum Part {
    Contacts,
    Addresses,
}

impl Part {
    fn field(self) -> &'static str {
        match self {
            Part::Contacts => "contacts",
            Part::Addresses => "addresses",
        }
    }

    fn state(self, parts: &CustomerParts) -> serde_json::Value {
        match self {
            Part::Contacts => json!({ "contacts": parts.contacts }),
            Part::Addresses => json!({ "addresses": parts.addresses }),
        }
    }

    fn count(self, parts: &CustomerParts) -> usize {
        match self {
            Part::Contacts => parts.contacts.len(),
            Part::Addresses => parts.addresses.len(),
        }
    }
}

/// A change of one part list in progress: the customer claimed at the writer's version.
pub(super) struct Change<'g> {
    pub tx: sqlx::Transaction<'static, sqlx::Any>,
    grant: &'g Grant<keys::CustomersWrite>,
    id: CustomerId,
    part: Part,
    before: CustomerParts,
    /// Whether the customer is a company or a person, as claimed.
    pub kind: CustomerKind,
}

impl<'g> Change<'g> {
    /// Claims customer `id` at version `expected` for a change of `part`; refuses one more
    /// entry past `limit` when `adding`.
    pub async fn begin(
        db: &Db,
        clock: &Clock,
        grant: &'g Grant<keys::CustomersWrite>,
        id: &CustomerId,
        expected: i64,
        part: Part,
        limit: Option<usize>,
    ) -> Result<Change<'g>, DomainError> {
        let mut tx = grant.begin(db, true).await?;
        let (kind, before) = load_with_kind(&mut tx, grant, id).await?;
        crate::server::privacy::restriction::refuse_if_restricted(
            &mut tx,
            grant.workspace(),
            id.as_str(),
        )
        .await?;
        version::claim(&mut tx, &KIND, grant, id.as_str(), expected, clock.now_ms()).await?;
        if let Some(limit) = limit {
            if part.count(&before) >= limit {
                return Err(DomainError::Conflict(format!(
                    "A customer has at most {limit} {}; remove one first.",
                    part.field()
                )));
            }
        }
        Ok(Change {
            tx,
            grant,
            id: id.clone(),
            part,
            before,
            kind,
        })
    }

    pub fn workspace(&self) -> &str {
        self.grant.workspace().as_str()
    }

    pub fn customer(&self) -> &str {
        self.id.as_str()
    }

    /// Records the change as `customer.{action}` and commits; answers the parts as they are.
    pub async fn finish(
        mut self,
        clock: &Clock,
        action: &str,
    ) -> Result<CustomerParts, DomainError> {
        let after = load(&mut self.tx, self.grant, &self.id).await?;
        let event = history::Event {
            action,
            id: self.id.as_str(),
            before: Some(self.part.state(&self.before)),
            after: Some(self.part.state(&after)),
        };
        history::record(&mut self.tx, clock, self.grant, &KIND, event).await?;
        self.tx.commit().await?;
        Ok(after)
    }
}
