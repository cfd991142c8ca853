//! The demo seed: enough data that a newcomer sees a populated app at once. Safe to repeat.

use app::server::clock::Clock;
use app::server::db::Db;
use app::server::error::DomainError;
use app::server::workspaces::{self, WorkspaceName};

pub const WORKSPACES: &[&str] = &[
    "Northwind Traders",
    "Acme Corporation",
    "Globex Consulting",
    "Zürich Dental Group",
    "Umbrella Health",
    "Initech Software",
];

/// Returns how many workspaces it added.
pub async fn seed(db: &Db, clock: &Clock) -> Result<usize, DomainError> {
    let mut added = 0;
    for raw in WORKSPACES {
        let name = WorkspaceName::parse(raw)?;
        match workspaces::find_by_slug(db, &name.base_slug()).await {
            Ok(_) => continue,
            Err(DomainError::NotFound) => {}
            Err(e) => return Err(e),
        }
        workspaces::create(db, clock, &name).await?;
        added += 1;
    }
    Ok(added)
}
