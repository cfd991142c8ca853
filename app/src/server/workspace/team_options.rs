//! The teams of a workspace as choices (a name and an id), for those who manage teams and for
//! those who assign records to one.

use sqlx::Row;

use crate::model::{TeamId, TeamOption};
use crate::permissions::{keys, Key};
use crate::server::access::grants::Grant;
use crate::server::platform::db::Db;
use crate::server::platform::error::DomainError;

/// The keys whose holders see the workspace's team names: those who manage teams, those who
/// assign a record to one, and those who make automations that do.
pub trait ListsTeams: Key {}
impl ListsTeams for keys::TeamRead {}
impl ListsTeams for keys::CustomersWrite {}
impl ListsTeams for keys::QuotesWrite {}
impl ListsTeams for keys::OrdersWrite {}
impl ListsTeams for keys::LicencesWrite {}
impl ListsTeams for keys::TicketsWrite {}
impl ListsTeams for keys::IntegrationsManage {}

/// The teams of the grant's workspace, by name.
pub async fn list<K: ListsTeams>(
    db: &Db,
    grant: &Grant<K>,
) -> Result<Vec<TeamOption>, DomainError> {
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
    Ok(teams)
}
