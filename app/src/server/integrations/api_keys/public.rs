//! Public API keys (`pk_…`): they tell the REST API's public endpoints which workspace a
//! self-service client (a shop, a customer portal) speaks for. They are not secrets — they ship
//! in client code — so they carry no role and open nothing private: only what a workspace
//! publishes. Made and revoked by holders of `integrations.manage`; a name, an optional expiry
//! and networks like a secret key; a revoked, expired or out-of-network key answers like an
//! unknown one. The only proof of a public call is a [`PublicCaller`], which only
//! [`authenticate`] makes.

use sqlx::Row;

use super::authenticate::{allowed_from, KeyError};
use super::{mark_revoked, network_list, networks, status, tokens, Revoked, NAME};
use crate::model::{ApiKeyId, PublicKeySummary, UserId, WorkspaceId};
use crate::permissions::keys;
use crate::server::access::assignments::expiry_from_date;
use crate::server::access::audit::{self, Change};
use crate::server::access::grants::Grant;
use crate::server::access::refusals::{Refusals, Refused};
use crate::server::audit::append::Origin;
use crate::server::platform::clock::Clock;
use crate::server::platform::db::Db;
use crate::server::platform::error::DomainError;
use crate::server::workspace::login_hours;

/// A key's last use is written at most this often per address.
const LAST_USED_EVERY_MS: i64 = 60_000;

/// A new public key as the form sends it.
#[derive(Debug, Default)]
pub struct PublicKeyForm {
    pub name: String,
    /// `YYYY-MM-DD`, the last day the key works; empty: until revoked.
    pub expires_on: String,
    /// Addresses or CIDR ranges; empty: anywhere.
    pub allowed_networks: String,
}

/// A call made with a live public key: the workspace it speaks for. Only [`authenticate`]
/// makes one, so a function that takes it cannot be reached without a key.
#[derive(Debug)]
pub struct PublicCaller {
    key: ApiKeyId,
    workspace: WorkspaceId,
}

impl PublicCaller {
    pub fn key(&self) -> &ApiKeyId {
        &self.key
    }

    pub fn workspace(&self) -> &WorkspaceId {
        &self.workspace
    }
}

const SUMMARY: &str = "SELECT k.id, k.name, u.display_name AS created_by, k.created_at, \
     k.expires_at, k.allowed_networks, k.last_used_at, k.last_used_ip, k.revoked_at \
     FROM api_public_keys k LEFT JOIN users u ON u.id = k.created_by";

fn summary(r: &sqlx::any::AnyRow, now_ms: i64) -> Result<PublicKeySummary, sqlx::Error> {
    let id: String = r.try_get("id")?;
    let expires_at_ms: Option<i64> = r.try_get("expires_at")?;
    Ok(PublicKeySummary {
        key: tokens::public_key(&id),
        id: ApiKeyId::from_db(id),
        name: r.try_get("name")?,
        created_by: r.try_get("created_by")?,
        created_at_ms: r.try_get("created_at")?,
        expires_at_ms,
        allowed_networks: network_list(&r.try_get::<String, _>("allowed_networks")?),
        last_used_at_ms: r.try_get("last_used_at")?,
        last_used_ip: r.try_get("last_used_ip")?,
        status: status(r.try_get("revoked_at")?, expires_at_ms, now_ms).to_owned(),
    })
}

/// The workspace's public keys, newest first.
pub async fn list(
    db: &Db,
    clock: &Clock,
    grant: &Grant<keys::IntegrationsManage>,
) -> Result<Vec<PublicKeySummary>, DomainError> {
    let rows = sqlx::query(&format!(
        "{SUMMARY} WHERE k.workspace_id = $1 ORDER BY k.created_at DESC, k.id"
    ))
    .bind(grant.workspace().as_str())
    .fetch_all(db.pool())
    .await?;
    let now = clock.now_ms();
    Ok(rows
        .iter()
        .map(|r| summary(r, now))
        .collect::<Result<_, _>>()?)
}

/// Makes a public key. No password is asked, unlike for a secret key: it opens only what the
/// workspace publishes. Recorded in the trail.
pub async fn create(
    db: &Db,
    clock: &Clock,
    grant: &Grant<keys::IntegrationsManage>,
    form: &PublicKeyForm,
) -> Result<PublicKeySummary, DomainError> {
    let name = NAME.clean(&form.name)?;
    let tz = login_hours::time_zone(db, grant.workspace()).await?;
    let expires_at =
        expiry_from_date(&form.expires_on, tz, clock.now_ms()).map_err(|e| match e {
            DomainError::Invalid { message, .. } => DomainError::invalid("expires_on", message),
            other => other,
        })?;
    let networks = networks(&form.allowed_networks)?;
    let (id, _) = tokens::mint_public();
    let mut tx = grant.begin(db, true).await?;
    sqlx::query(
        "INSERT INTO api_public_keys (id, workspace_id, name, created_by, created_at, \
         expires_at, allowed_networks) VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(id.as_str())
    .bind(grant.workspace().as_str())
    .bind(&name)
    .bind(grant.user().as_str())
    .bind(clock.now_ms())
    .bind(expires_at)
    .bind(networks.join(","))
    .execute(&mut *tx)
    .await
    .map_err(|e| {
        DomainError::on_unique(e, || {
            DomainError::invalid("name", "Another public key has this name. Choose another.")
        })
    })?;
    audit::record(
        &mut tx,
        clock,
        grant.acting(),
        Change {
            action: "api_key.create_public",
            target: id.as_str(),
            before: None,
            after: Some(serde_json::json!({
                "name": name,
                "expires_at": expires_at,
                "allowed_networks": networks,
            })),
        },
    )
    .await?;
    let made = find(&mut tx, grant, &id, clock.now_ms()).await?;
    tx.commit().await?;
    Ok(made)
}

async fn find(
    conn: &mut sqlx::AnyConnection,
    grant: &Grant<keys::IntegrationsManage>,
    id: &ApiKeyId,
    now_ms: i64,
) -> Result<PublicKeySummary, DomainError> {
    let row = sqlx::query(&format!(
        "{SUMMARY} WHERE k.workspace_id = $1 AND k.id = $2"
    ))
    .bind(grant.workspace().as_str())
    .bind(id.as_str())
    .fetch_optional(&mut *conn)
    .await?
    .ok_or(DomainError::NotFound)?;
    Ok(summary(&row, now_ms)?)
}

/// Revokes a public key at once; revoking a revoked one changes nothing.
pub async fn revoke(
    db: &Db,
    clock: &Clock,
    grant: &Grant<keys::IntegrationsManage>,
    id: &ApiKeyId,
) -> Result<(), DomainError> {
    let mut tx = grant.begin(db, true).await?;
    let key = find(&mut tx, grant, id, clock.now_ms()).await?;
    if key.status == "revoked" {
        return Ok(());
    }
    let was = (key.name.as_str(), key.status.as_str());
    mark_revoked(&mut tx, clock, grant, Revoked::Public, id, was).await?;
    tx.commit().await?;
    Ok(())
}

/// The workspace a live public key `presented` speaks for. Every failure is the same
/// [`KeyError::Refused`]; a call from outside the key's networks is also tallied for the trail
/// with the key as actor (and its maker as the member it belongs to).
pub async fn authenticate(
    db: &Db,
    clock: &Clock,
    refusals: &Refusals,
    presented: &str,
    origin: &Origin,
) -> Result<PublicCaller, KeyError> {
    let Some(id) = tokens::parse_public(presented) else {
        return Err(KeyError::Refused);
    };
    let Some(row) = sqlx::query(
        "SELECT workspace_id, created_by, expires_at, revoked_at, allowed_networks, \
         last_used_at, last_used_ip FROM api_public_keys WHERE id = $1",
    )
    .bind(id.as_str())
    .fetch_optional(db.pool())
    .await?
    else {
        return Err(KeyError::Refused);
    };
    let now = clock.now_ms();
    let expires_at: Option<i64> = row.try_get("expires_at")?;
    if status(row.try_get("revoked_at")?, expires_at, now) != "active" {
        return Err(KeyError::Refused);
    }
    let workspace = WorkspaceId::from_db(row.try_get("workspace_id")?);
    let ip = origin.ip.as_deref();
    if !allowed_from(&row.try_get::<String, _>("allowed_networks")?, ip) {
        let maker = UserId::from_db(row.try_get("created_by")?);
        refusals.note(
            &workspace,
            &maker,
            Some(&id),
            Refused::KeyAddress,
            origin,
            now,
        );
        return Err(KeyError::Refused);
    }
    let last_at: Option<i64> = row.try_get("last_used_at")?;
    let last_ip: Option<String> = row.try_get("last_used_ip")?;
    if last_at.is_none_or(|at| now - at >= LAST_USED_EVERY_MS) || last_ip.as_deref() != ip {
        sqlx::query(
            "UPDATE api_public_keys SET last_used_at = $1, last_used_ip = $2 WHERE id = $3",
        )
        .bind(now)
        .bind(ip)
        .bind(id.as_str())
        .execute(db.pool())
        .await?;
    }
    Ok(PublicCaller { key: id, workspace })
}
