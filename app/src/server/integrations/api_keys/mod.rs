//! Secret API keys: made, listed and revoked by holders of `integrations.manage`. A key acts
//! under one role of its workspace — never Owner, never beyond what its maker may hand out —
//! and at each call its role is narrowed again to what its maker holds then
//! (`grants::held_by_key`). The secret is shown once; only its keyed hash is kept
//! ([`tokens`]). Calls are authenticated by [`authenticate`]; [`why`] explains what a key may
//! do. Public keys ([`public`]) identify the workspace to self-service clients.

pub mod authenticate;
pub mod public;
pub mod tokens;
pub mod why;

use sqlx::Row;

use crate::model::{ApiKeyId, ApiKeySummary, ApiKeysView, CreatedApiKey};
use crate::permissions::keys;
use crate::server::access::assignments::{self, expiry_from_date};
use crate::server::access::audit::{self, Change};
use crate::server::access::grants::Grant;
use crate::server::access::roles;
use crate::server::identity::reauth::Reauthenticated;
use crate::server::platform::clock::Clock;
use crate::server::platform::db::Db;
use crate::server::platform::error::DomainError;
use crate::server::platform::instance_secrets;
use crate::server::platform::text::LineField;
use crate::server::workspace::{ip_rules, login_hours};

/// A key's name: one line, as every name is cleaned.
pub(super) const NAME: LineField = LineField {
    field: "name",
    subject: "The key's name",
    empty_message: "Name the key after what uses it, such as “Billing sync”.",
    max_chars: 80,
};
/// Networks one key may be limited to.
const NETWORKS_MAX: usize = 20;

/// A new key as the form sends it.
#[derive(Debug, Default)]
pub struct KeyForm {
    pub name: String,
    pub role_id: String,
    /// `YYYY-MM-DD`, the last day the key works; empty: until revoked.
    pub expires_on: String,
    /// Addresses or CIDR ranges, separated by commas, spaces or lines; empty: anywhere.
    pub allowed_networks: String,
}

/// The workspace's keys, newest first, and the roles the caller may give a new one.
pub async fn view(
    db: &Db,
    clock: &Clock,
    grant: &Grant<keys::IntegrationsManage>,
) -> Result<ApiKeysView, DomainError> {
    let rows = sqlx::query(&format!(
        "{SUMMARY} WHERE k.workspace_id = $1 ORDER BY k.created_at DESC, k.id"
    ))
    .bind(grant.workspace().as_str())
    .fetch_all(db.pool())
    .await?;
    let keys = rows
        .iter()
        .map(|r| summary(r, clock.now_ms()))
        .collect::<Result<_, _>>()?;
    let mut offered = Vec::new();
    for role in roles::options(db, grant).await? {
        if assignments::may_delegate(db, clock, grant, role.id.as_str(), "A key")
            .await
            .is_ok()
        {
            offered.push(role);
        }
    }
    Ok(ApiKeysView {
        keys,
        public_keys: public::list(db, clock, grant).await?,
        roles: offered,
    })
}

/// A key form that passed every check; only [`check`] makes one.
#[derive(Debug)]
pub struct CheckedKey {
    name: String,
    role_id: String,
    expires_at: Option<i64>,
    networks: Vec<String>,
}

/// Checks a new key's form before anything else is asked (the password), naming the field a
/// refusal is about.
pub async fn check(
    db: &Db,
    clock: &Clock,
    grant: &Grant<keys::IntegrationsManage>,
    form: &KeyForm,
) -> Result<CheckedKey, DomainError> {
    let name = NAME.clean(&form.name)?;
    let role_id = form.role_id.trim();
    assignments::may_delegate(db, clock, grant, role_id, "A key").await?;
    let tz = login_hours::time_zone(db, grant.workspace()).await?;
    let expires_at =
        expiry_from_date(&form.expires_on, tz, clock.now_ms()).map_err(|e| match e {
            DomainError::Invalid { message, .. } => DomainError::invalid("expires_on", message),
            other => other,
        })?;
    Ok(CheckedKey {
        name,
        role_id: role_id.to_owned(),
        expires_at,
        networks: networks(&form.allowed_networks)?,
    })
}

/// Makes a checked key, once its maker re-authenticated; its secret is in the answer and
/// nowhere else, ever.
pub async fn create(
    db: &Db,
    clock: &Clock,
    grant: &Grant<keys::IntegrationsManage>,
    proof: &Reauthenticated,
    key: CheckedKey,
) -> Result<CreatedApiKey, DomainError> {
    if proof.user() != grant.user() {
        return Err(DomainError::Forbidden);
    }
    let CheckedKey {
        name,
        role_id,
        expires_at,
        networks,
    } = key;
    let name = name.as_str();
    let pepper = instance_secrets::api_key_pepper(db, clock).await?;
    let (id, secret) = tokens::mint();
    let mut tx = grant.begin(db, true).await?;
    let taken = sqlx::query("SELECT 1 AS x FROM api_keys WHERE workspace_id = $1 AND name = $2")
        .bind(grant.workspace().as_str())
        .bind(name)
        .fetch_optional(&mut *tx)
        .await?;
    if taken.is_some() {
        return Err(DomainError::invalid(
            "name",
            "Another key has this name. Choose another.",
        ));
    }
    sqlx::query(
        "INSERT INTO api_keys (id, workspace_id, name, role_id, created_by, created_at, \
         expires_at, allowed_networks, secret_hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(id.as_str())
    .bind(grant.workspace().as_str())
    .bind(name)
    .bind(&role_id)
    .bind(grant.user().as_str())
    .bind(clock.now_ms())
    .bind(expires_at)
    .bind(networks.join(","))
    .bind(tokens::stored_hash(&pepper, &secret))
    .execute(&mut *tx)
    .await?;
    audit::record(
        &mut tx,
        clock,
        grant.acting(),
        Change {
            action: "api_key.create",
            target: id.as_str(),
            before: None,
            after: Some(serde_json::json!({
                "name": name,
                "role_id": role_id,
                "expires_at": expires_at,
                "allowed_networks": networks,
            })),
        },
    )
    .await?;
    let key = find(&mut tx, grant, &id, clock.now_ms()).await?;
    tx.commit().await?;
    Ok(CreatedApiKey { key, secret })
}

/// Revokes a key at once: its next call is answered like an unknown key's. Revoking a revoked
/// key changes nothing.
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
    mark_revoked(&mut tx, clock, grant, Revoked::Secret, id, was).await?;
    tx.commit().await?;
    Ok(())
}

/// Which kind of key a revocation is about: its table and its trail action.
#[derive(Clone, Copy)]
pub(super) enum Revoked {
    Secret,
    Public,
}

/// Marks the key `id` of the grant's workspace revoked, in its table, and records it as
/// `was` (name, status) becoming revoked.
pub(super) async fn mark_revoked(
    conn: &mut sqlx::AnyConnection,
    clock: &Clock,
    grant: &Grant<keys::IntegrationsManage>,
    kind: Revoked,
    id: &ApiKeyId,
    was: (&str, &str),
) -> Result<(), DomainError> {
    let (table, action) = match kind {
        Revoked::Secret => ("api_keys", "api_key.revoke"),
        Revoked::Public => ("api_public_keys", "api_key.revoke_public"),
    };
    sqlx::query(&format!(
        "UPDATE {table} SET revoked_at = $1, revoked_by = $2 \
         WHERE workspace_id = $3 AND id = $4 AND revoked_at IS NULL"
    ))
    .bind(clock.now_ms())
    .bind(grant.user().as_str())
    .bind(grant.workspace().as_str())
    .bind(id.as_str())
    .execute(&mut *conn)
    .await?;
    let (name, status) = was;
    audit::record(
        conn,
        clock,
        grant.acting(),
        Change {
            action,
            target: id.as_str(),
            before: Some(serde_json::json!({ "name": name, "status": status })),
            after: Some(serde_json::json!({ "name": name, "status": "revoked" })),
        },
    )
    .await
}

/// The networks a key is limited to, each checked and written canonically.
pub(super) fn networks(raw: &str) -> Result<Vec<String>, DomainError> {
    let parts: Vec<&str> = raw
        .split(|c: char| c == ',' || c.is_whitespace())
        .filter(|p| !p.is_empty())
        .collect();
    if parts.len() > NETWORKS_MAX {
        return Err(DomainError::invalid(
            "allowed_networks",
            format!("List at most {NETWORKS_MAX} addresses or ranges."),
        ));
    }
    parts
        .into_iter()
        .map(|p| {
            ip_rules::parse_cidr(p)
                .map(|net| net.to_string())
                .map_err(|e| match e {
                    DomainError::Invalid { message, .. } => {
                        DomainError::invalid("allowed_networks", message)
                    }
                    other => other,
                })
        })
        .collect()
}

const SUMMARY: &str = "SELECT k.id, k.name, r.name AS role, u.display_name AS created_by, \
     k.created_at, k.expires_at, k.allowed_networks, k.last_used_at, k.last_used_ip, \
     k.revoked_at FROM api_keys k JOIN roles r ON r.workspace_id = k.workspace_id \
     AND r.id = k.role_id LEFT JOIN users u ON u.id = k.created_by";

async fn find(
    conn: &mut sqlx::AnyConnection,
    grant: &Grant<keys::IntegrationsManage>,
    id: &ApiKeyId,
    now_ms: i64,
) -> Result<ApiKeySummary, DomainError> {
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

fn summary(r: &sqlx::any::AnyRow, now_ms: i64) -> Result<ApiKeySummary, sqlx::Error> {
    let expires_at_ms: Option<i64> = r.try_get("expires_at")?;
    let status = status(r.try_get("revoked_at")?, expires_at_ms, now_ms);
    let networks: String = r.try_get("allowed_networks")?;
    Ok(ApiKeySummary {
        id: ApiKeyId::from_db(r.try_get("id")?),
        name: r.try_get("name")?,
        role: r.try_get("role")?,
        created_by: r.try_get("created_by")?,
        created_at_ms: r.try_get("created_at")?,
        expires_at_ms,
        allowed_networks: network_list(&networks),
        last_used_at_ms: r.try_get("last_used_at")?,
        last_used_ip: r.try_get("last_used_ip")?,
        status: status.to_owned(),
    })
}

/// A key's state: `revoked`, `expired` or `active`.
pub(super) fn status(
    revoked_at: Option<i64>,
    expires_at: Option<i64>,
    now_ms: i64,
) -> &'static str {
    match (revoked_at, expires_at) {
        (Some(_), _) => "revoked",
        (None, Some(at)) if at <= now_ms => "expired",
        _ => "active",
    }
}

/// The stored network list, one CIDR each.
pub(super) fn network_list(stored: &str) -> Vec<String> {
    stored
        .split(',')
        .filter(|n| !n.is_empty())
        .map(str::to_owned)
        .collect()
}
