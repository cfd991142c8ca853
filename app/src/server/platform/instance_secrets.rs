//! Secrets of the installation, kept in its database so every server process on it shares them,
//! and created the first time one is asked for.

use base64::Engine as _;
use sqlx::Row;

use crate::server::platform::clock::Clock;
use crate::server::platform::db::Db;
use crate::server::platform::error::DomainError;

/// The key that signs anonymous visitors' CSRF tokens (`csrf::AnonymousTokens`).
pub async fn anonymous_csrf_key(db: &Db, clock: &Clock) -> Result<[u8; 32], DomainError> {
    load_or_create(db, clock, "anonymous_csrf").await
}

/// The key of the HMAC under which API keys are kept (`integrations::api_keys::tokens`).
pub async fn api_key_pepper(db: &Db, clock: &Clock) -> Result<[u8; 32], DomainError> {
    load_or_create(db, clock, "api_key_hmac").await
}

/// The key webhook endpoints' signing secrets are sealed under (`integrations::webhooks::sealed`).
pub async fn webhook_seal_key(db: &Db, clock: &Clock) -> Result<[u8; 32], DomainError> {
    load_or_create(db, clock, "webhook_seal").await
}

/// The secret `name`; when there is none yet, a new random one. Two processes starting at once
/// both insert, one wins, and both read the winner's.
async fn load_or_create(
    db: &Db,
    clock: &Clock,
    name: &'static str,
) -> Result<[u8; 32], DomainError> {
    if let Some(known) = db.cached_secret(name) {
        return Ok(known);
    }
    let engine = base64::engine::general_purpose::STANDARD;
    let fresh: [u8; 32] = rand::random();
    sqlx::query(
        "INSERT INTO instance_secrets (name, value, created_at) VALUES ($1, $2, $3) \
         ON CONFLICT (name) DO NOTHING",
    )
    .bind(name)
    .bind(engine.encode(fresh))
    .bind(clock.now_ms())
    .execute(db.pool())
    .await?;
    let row = sqlx::query("SELECT value FROM instance_secrets WHERE name = $1")
        .bind(name)
        .fetch_one(db.pool())
        .await?;
    let stored: String = row.try_get("value")?;
    let value = engine
        .decode(stored)
        .ok()
        .and_then(|bytes| <[u8; 32]>::try_from(bytes).ok())
        .ok_or_else(|| DomainError::Internal(format!("instance secret {name} is not 32 bytes")))?;
    db.cache_secret(name, value);
    Ok(value)
}
