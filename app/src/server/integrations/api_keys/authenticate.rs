//! A call's API key, to what it may do. Every way a key can fail — not one of ours, unknown,
//! wrong secret, revoked, expired, its maker gone from the workspace, used from an address
//! outside its list — answers the same [`KeyError::Refused`], so a caller learns nothing about
//! which keys exist. A refused address is also tallied for the trail with the key as actor.

use std::net::IpAddr;

use ipnet::IpNet;
use sqlx::Row;

use super::tokens;
use crate::model::{UserId, WorkspaceId};
use crate::server::access::grants::{self, Held};
use crate::server::access::refusals::{Refusals, Refused};
use crate::server::audit::append::Origin;
use crate::server::platform::clock::Clock;
use crate::server::platform::db::Db;
use crate::server::platform::error::DomainError;
use crate::server::platform::instance_secrets;

/// A key's last use is written at most this often per address, so calls cost no write.
const LAST_USED_EVERY_MS: i64 = 60_000;

#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error("the API key is missing, unknown, revoked or expired")]
    Refused,
    #[error(transparent)]
    Domain(#[from] DomainError),
}

impl From<sqlx::Error> for KeyError {
    fn from(e: sqlx::Error) -> Self {
        Self::Domain(e.into())
    }
}

/// What the key `presented` may do, serving a call from `origin` whose refusals are counted
/// in `refusals`.
pub async fn authenticate(
    db: &Db,
    clock: &Clock,
    refusals: &Refusals,
    presented: &str,
    origin: Origin,
) -> Result<Held, KeyError> {
    let Some(key) = tokens::parse(presented) else {
        return Err(KeyError::Refused);
    };
    let Some(row) = sqlx::query(
        "SELECT k.workspace_id, k.role_id, k.created_by, k.expires_at, k.revoked_at, \
         k.allowed_networks, k.secret_hash, k.last_used_at, k.last_used_ip, \
         m.deactivated_at, m.user_id AS member FROM api_keys k \
         LEFT JOIN memberships m ON m.workspace_id = k.workspace_id AND m.user_id = k.created_by \
         WHERE k.id = $1",
    )
    .bind(key.id.as_str())
    .fetch_optional(db.pool())
    .await?
    else {
        return Err(KeyError::Refused);
    };
    let pepper = instance_secrets::api_key_pepper(db, clock).await?;
    if !tokens::matches(
        &pepper,
        key.whole,
        &row.try_get::<String, _>("secret_hash")?,
    ) {
        return Err(KeyError::Refused);
    }
    let now = clock.now_ms();
    let usable = row.try_get::<Option<i64>, _>("revoked_at")?.is_none()
        && row
            .try_get::<Option<i64>, _>("expires_at")?
            .is_none_or(|at| at > now)
        && row.try_get::<Option<String>, _>("member")?.is_some()
        && row.try_get::<Option<i64>, _>("deactivated_at")?.is_none();
    if !usable {
        return Err(KeyError::Refused);
    }
    let workspace = WorkspaceId::from_db(row.try_get("workspace_id")?);
    let creator = UserId::from_db(row.try_get("created_by")?);
    let role_id: String = row.try_get("role_id")?;
    let ip = origin.ip.clone();
    let held = grants::held_by_key(db, clock, key.id.clone(), &creator, &workspace, &role_id)
        .await?
        .serving(origin, refusals.clone());
    if !allowed_from(
        &row.try_get::<String, _>("allowed_networks")?,
        ip.as_deref(),
    ) {
        held.refuse(Refused::KeyAddress);
        return Err(KeyError::Refused);
    }
    let last_at: Option<i64> = row.try_get("last_used_at")?;
    let last_ip: Option<String> = row.try_get("last_used_ip")?;
    if last_at.is_none_or(|at| now - at >= LAST_USED_EVERY_MS) || last_ip != ip {
        sqlx::query("UPDATE api_keys SET last_used_at = $1, last_used_ip = $2 WHERE id = $3")
            .bind(now)
            .bind(ip.as_deref())
            .bind(key.id.as_str())
            .execute(db.pool())
            .await?;
    }
    Ok(held)
}

/// Whether a call from `ip` may use a key limited to `networks` (comma-separated CIDRs; empty:
/// from anywhere). A call whose address is unknown passes only an unlimited key.
pub(super) fn allowed_from(networks: &str, ip: Option<&str>) -> bool {
    if networks.is_empty() {
        return true;
    }
    let Some(ip) = ip.and_then(|ip| ip.parse::<IpAddr>().ok()) else {
        return false;
    };
    networks
        .split(',')
        .filter_map(|n| n.parse::<IpNet>().ok())
        .any(|net| net.contains(&ip))
}

#[cfg(test)]
mod tests {
    use super::allowed_from;

    #[test]
    fn a_limited_key_works_only_from_its_networks() {
        assert!(allowed_from("", None));
        assert!(allowed_from("", Some("198.51.100.7")));
        let limited = "203.0.113.0/24,2001:db8::/32";
        assert!(allowed_from(limited, Some("203.0.113.200")));
        assert!(allowed_from(limited, Some("2001:db8::1")));
        assert!(!allowed_from(limited, Some("203.0.114.1")));
        assert!(!allowed_from(limited, None));
        assert!(!allowed_from(limited, Some("not an address")));
    }
}
